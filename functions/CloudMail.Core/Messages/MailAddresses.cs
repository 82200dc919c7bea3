namespace CloudMail.Core.Messages;

/// <summary>Small helpers for addr-spec strings (RFC 5321 §4.1.2 Mailbox).</summary>
public static class MailAddresses
{
    /// <summary>
    /// Normalizes an address for lookup: trims, lower-cases the domain, keeps the local part's case
    /// but compares it case-insensitively elsewhere (RFC 5321 §2.4 lets a host treat it so; we do).
    /// Returns the whole address lower-cased, since CloudMail's directory is case-insensitive.
    /// </summary>
    public static string Normalize(string address) => address.Trim().ToLowerInvariant();

    /// <summary>The domain part after the last '@', lower-cased; empty when there is none.</summary>
    public static string DomainOf(string address)
    {
        int at = address.LastIndexOf('@');
        return at < 0 ? string.Empty : address[(at + 1)..].Trim().ToLowerInvariant();
    }

    /// <summary>The local part before the last '@'; the whole string when there is none.</summary>
    public static string LocalPartOf(string address)
    {
        int at = address.LastIndexOf('@');
        return at < 0 ? address : address[..at];
    }

    /// <summary>True for a plausible addr-spec: one '@', non-empty local part and a domain with a dot or a literal.</summary>
    public static bool IsPlausible(string? address)
    {
        if (string.IsNullOrWhiteSpace(address) || address.Length > 254) return false;
        int at = address.LastIndexOf('@');
        if (at <= 0 || at == address.Length - 1) return false;
        foreach (char c in address)
        {
            if (c <= ' ' || c == '<' || c == '>' || c > '\u007e' && c < '\u00a0') return false;
        }
        return true;
    }
}
