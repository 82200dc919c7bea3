using System.Globalization;

namespace CloudMail.Core.Dkim;

/// <summary>Selector syntax and the default selector name.</summary>
public static class DkimSelector
{
    private const int MaxLabelLength = 63;
    private const int MaxLength = 200;

    /// <summary>The selector <c>cloudmail dkim generate</c> uses without <c>--selector</c>: <c>cm</c> + year and month, e.g. <c>cm202612</c>.</summary>
    public static string Default(DateTimeOffset now) => "cm" + now.UtcDateTime.ToString("yyyyMM", CultureInfo.InvariantCulture);

    /// <summary>
    /// RFC 6376 section 3.1: <c>selector = sub-domain *( "." sub-domain )</c>, each sub-domain letters, digits and
    /// inner hyphens (RFC 5321 section 4.1.2), at most 63 characters. Never throws.
    /// </summary>
    public static bool IsValid(string? selector)
    {
        if (string.IsNullOrEmpty(selector) || selector.Length > MaxLength) return false;
        foreach (string label in selector.Split('.'))
        {
            if (label.Length is 0 or > MaxLabelLength || label[0] == '-' || label[^1] == '-') return false;
            foreach (char c in label)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c != '-') return false;
            }
        }
        return true;
    }

    /// <summary>Lower-cased <paramref name="selector"/>; throws <see cref="ArgumentException"/> when it is not valid.</summary>
    public static string Normalize(string selector) =>
        IsValid(selector?.Trim()) ? selector!.Trim().ToLowerInvariant() : throw new ArgumentException($"'{selector}' is not a valid DKIM selector.", nameof(selector));
}
