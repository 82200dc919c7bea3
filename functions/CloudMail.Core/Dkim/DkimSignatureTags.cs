using System.Globalization;

namespace CloudMail.Core.Dkim;

/// <summary>The tags of a DKIM-Signature (or ARC-Message-Signature / ARC-Seal) value that the checks read themselves (RFC 6376 §3.5). Pure; never throws.</summary>
public static class DkimSignatureTags
{
    /// <summary>Tag name → value (whitespace removed), first occurrence wins.</summary>
    public static IReadOnlyDictionary<string, string> Parse(string value)
    {
        var tags = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, tagValue) in Tags(value))
            if (!tags.ContainsKey(name)) tags[name] = WithoutWhitespace(tagValue);
        return tags;
    }

    /// <summary>The value with every whitespace character removed (FWS inside b= and bh=, RFC 6376 §3.5); itself when it has none.</summary>
    private static string WithoutWhitespace(string value)
    {
        int first = 0;
        while (first < value.Length && !char.IsWhiteSpace(value[first])) first++;
        if (first == value.Length) return value;
        var kept = new System.Text.StringBuilder(value.Length);
        kept.Append(value, 0, first);
        for (int i = first + 1; i < value.Length; i++)
            if (!char.IsWhiteSpace(value[i])) kept.Append(value[i]);
        return kept.ToString();
    }

    /// <summary>Whether a tag is named twice, which makes the field invalid (RFC 6376 §3.2).</summary>
    public static bool HasRepeatedTag(string value)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        return Tags(value).Any(tag => !names.Add(tag.Name));
    }

    private static IEnumerable<(string Name, string Value)> Tags(string value)
    {
        foreach (string part in value.Split(';'))
        {
            int eq = part.IndexOf('=');
            if (eq > 0) yield return (part[..eq].Trim(), part[(eq + 1)..]);
        }
    }

    /// <summary>The x= expiry (RFC 6376 §3.5), or null when absent or not a number.</summary>
    public static DateTimeOffset? Expiry(IReadOnlyDictionary<string, string> tags) =>
        tags.TryGetValue("x", out string? x) && long.TryParse(x, NumberStyles.None, CultureInfo.InvariantCulture, out long seconds) && seconds < 253402300799
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;
}
