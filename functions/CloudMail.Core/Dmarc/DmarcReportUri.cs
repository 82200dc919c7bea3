using System.Globalization;
using CloudMail.Core.Reporting;

namespace CloudMail.Core.Dmarc;

/// <summary>
/// One destination of a DMARC <c>rua=</c> tag (RFC 7489 §6.2 <c>dmarc-uri</c>): a <c>mailto:</c> address with an
/// optional size limit, <c>!</c> then a decimal number and an optional unit k, m, g or t (powers of two, §6.2). Only
/// mailto URIs are kept: CloudMail sends reports by mail (§7.2.1.1); other schemes are dropped when parsing.
/// </summary>
/// <param name="Address">The mailbox (<c>local@domain</c>).</param>
/// <param name="MaxBytes">The largest report the destination accepts, or null for no limit.</param>
public sealed record DmarcReportUri(string Address, long? MaxBytes)
{
    /// <summary>The domain part of <see cref="Address"/>, lower-case.</summary>
    public string Domain => Address[(Address.LastIndexOf('@') + 1)..].ToLowerInvariant();

    /// <summary>
    /// The destinations of a rua= value: comma-separated URIs with optional white space (§6.4); anything not a valid
    /// mailto URI with a valid size suffix is skipped (§6.3: "invalid URIs ... MUST be ignored"); repeated addresses
    /// count once. Empty for null. Never throws.
    /// </summary>
    public static IReadOnlyList<DmarcReportUri> ParseList(string? rua)
    {
        if (string.IsNullOrWhiteSpace(rua)) return [];
        var list = new List<DmarcReportUri>();
        foreach (string raw in rua.Split(','))
        {
            if (Parse(raw.Trim(' ', '\t')) is { } uri && !list.Any(u => u.Address.Equals(uri.Address, StringComparison.OrdinalIgnoreCase)))
                list.Add(uri);
        }
        return list;
    }

    /// <summary>One <c>dmarc-uri</c>; null when it is not a mailto URI or its size suffix is malformed.</summary>
    public static DmarcReportUri? Parse(string? text)
    {
        if (text is null || !text.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase)) return null;
        string uri = text["mailto:".Length..];
        long? max = null;
        int bang = uri.LastIndexOf('!');
        if (bang >= 0)
        {
            // §6.2: a '!' inside the URI itself must be percent-encoded, so the last one starts the size.
            if (ParseSize(uri[(bang + 1)..]) is not { } size) return null;
            max = size;
            uri = uri[..bang];
        }
        return MailtoAddress.Parse(uri) is { } address ? new DmarcReportUri(address, max) : null;
    }

    /// <summary>§6.2: <c>1*DIGIT [ "k" / "m" / "g" / "t" ]</c>, units of 2^10, 2^20, 2^30, 2^40 bytes; null when malformed or absurd.</summary>
    private static long? ParseSize(string size)
    {
        if (size.Length == 0) return null;
        int shift = char.ToLowerInvariant(size[^1]) switch { 'k' => 10, 'm' => 20, 'g' => 30, 't' => 40, _ => 0 };
        string digits = shift == 0 ? size : size[..^1];
        if (digits.Length is 0 or > 12 || !digits.All(char.IsAsciiDigit)) return null;
        long n = long.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        return n > (long.MaxValue >> shift) ? null : n << shift;
    }
}
