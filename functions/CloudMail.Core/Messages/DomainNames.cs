namespace CloudMail.Core.Messages;

/// <summary>Checks a domain name an administrator gives (RFC 5321 §4.1.2 Domain; RFC 1035 §2.3.1 and §2.3.4). Pure; never throws.</summary>
public static class DomainNames
{
    /// <summary>Longest name in presentation form without the trailing dot (RFC 1035 §2.3.4: 255 octets on the wire).</summary>
    public const int MaxLength = 253;

    /// <summary>Longest label (RFC 1035 §2.3.4).</summary>
    public const int MaxLabelLength = 63;

    /// <summary>
    /// Null when <paramref name="domain"/> is a valid mail domain: at least two dot-separated labels of ASCII letters, digits
    /// and hyphens, none starting or ending with a hyphen (RFC 5321 §4.1.2 sub-domain = Let-dig [Ldh-str]), each at most 63
    /// characters, 253 in all. Internationalized names are checked as A-labels (<c>xn--</c>; callers convert U-labels first,
    /// <see cref="MailAddresses.AsciiDomain"/>). Otherwise the reason.
    /// </summary>
    public static string? Problem(string? domain)
    {
        if (string.IsNullOrWhiteSpace(domain)) return "a domain name is required";
        string name = domain.Trim().TrimEnd('.');
        if (name.Length > MaxLength) return $"'{Shorten(name)}' is longer than {MaxLength} characters";
        string[] labels = name.Split('.');
        if (labels.Length < 2) return $"'{name}' is not a domain name: it needs at least two labels, as in example.com";
        foreach (string label in labels)
        {
            if (label.Length is 0 or > MaxLabelLength) return $"'{name}' has an empty label or one longer than {MaxLabelLength} characters";
            if (label[0] == '-' || label[^1] == '-') return $"'{name}' has a label that starts or ends with a hyphen";
            foreach (char c in label)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c != '-')
                    return $"'{name}' may contain only letters, digits, hyphens and dots (give an internationalized name in letters, or as its xn-- form)";
            }
        }
        return null;
    }

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "...";
}
