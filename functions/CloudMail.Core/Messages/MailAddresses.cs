namespace CloudMail.Core.Messages;

/// <summary>Small helpers for addr-spec strings (RFC 5321 §4.1.2 Mailbox).</summary>
public static class MailAddresses
{
    /// <summary>
    /// Normalizes an address for lookup: trims, lower-cases the domain, keeps the local part's case
    /// but compares it case-insensitively elsewhere (RFC 5321 §2.4 lets a host treat it so; we do).
    /// Returns the whole address lower-cased, since CloudMail's directory is case-insensitive, with an internationalized
    /// domain in its A-label form (<see cref="AsciiDomain"/>), as domains are kept.
    /// </summary>
    public static string Normalize(string address)
    {
        string lowered = address.Trim().ToLowerInvariant();
        int at = lowered.LastIndexOf('@');
        if (at < 0 || System.Text.Ascii.IsValid(lowered.AsSpan(at + 1))) return lowered;
        return string.Concat(lowered.AsSpan(0, at + 1), AsciiDomain(lowered[(at + 1)..]));
    }

    /// <summary>
    /// The key of an address, <c>@domain</c> or bare domain an administrator names as a scope (of a webhook, of a sender
    /// list): an address as <see cref="Normalize"/> gives it, a domain (with or without its leading <c>@</c>) lower-cased in
    /// A-label form and without the <c>@</c>, so that <c>bücher.example</c> is the domain mail for
    /// <c>anna@bücher.example</c> is kept under.
    /// </summary>
    public static string NormalizeScope(string scope)
    {
        string trimmed = scope.Trim();
        int at = trimmed.LastIndexOf('@');
        return at > 0 ? Normalize(trimmed) : AsciiDomain(trimmed[(at + 1)..].Trim());
    }

    /// <summary>The domain part after the last '@', lower-cased, in A-label form; empty when there is none.</summary>
    public static string DomainOf(string address)
    {
        int at = address.LastIndexOf('@');
        return at < 0 ? string.Empty : AsciiDomain(address[(at + 1)..].Trim());
    }

    /// <summary>
    /// <paramref name="domain"/> lower-cased, and a U-label domain in its A-label form (IDNA, RFC 5890 §2.3.2.1: an SMTPUTF8
    /// client may name a domain either way, RFC 6531 §3.2, and both are the same domain); as given, lower-cased, when it is
    /// not a valid internationalized name.
    /// </summary>
    public static string AsciiDomain(string domain)
    {
        string lowered = domain.ToLowerInvariant();
        if (System.Text.Ascii.IsValid(lowered)) return lowered;
        try
        {
            return new System.Globalization.IdnMapping().GetAscii(lowered).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            return lowered;
        }
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
