namespace CloudMail.Core.Reporting;

/// <summary>
/// The address of a <c>mailto:</c> URI's path as report destinations give it (TLS-RPT, RFC 8460 §3; DMARC, RFC 7489 §6.2).
/// Pure; never throws.
/// </summary>
public static class MailtoAddress
{
    /// <summary>
    /// The address of <paramref name="path"/> (the URI without <c>mailto:</c>; RFC 6068 §2: percent-encoded, one address
    /// here; any <c>?header</c> part is dropped), or null when it is not one plain <c>local@domain</c>.
    /// </summary>
    public static string? Parse(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        int query = path.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0) path = path[..query];
        string address;
        try
        {
            address = Uri.UnescapeDataString(path).Trim();
        }
        catch (UriFormatException)
        {
            return null;
        }
        int at = address.LastIndexOf('@');
        if (at <= 0 || at == address.Length - 1) return null;
        string local = address[..at], domain = address[(at + 1)..];
        // RFC 5322 §3.2.3 dot-atom local part and an LDH domain name: nothing a mail header or SMTP command could choke on.
        if (local.StartsWith('.') || local.EndsWith('.') || local.Contains("..", StringComparison.Ordinal) || !local.All(IsAtext)) return null;
        if (domain.StartsWith('.') || domain.EndsWith('.') || domain.Contains("..", StringComparison.Ordinal) || !domain.Contains('.', StringComparison.Ordinal)
            || !domain.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.'))
            return null;
        return address;
    }

    /// <summary>atext (RFC 5322 §3.2.3) or a dot.</summary>
    private static bool IsAtext(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-/=?^_`{|}~.".Contains(c, StringComparison.Ordinal);
}
