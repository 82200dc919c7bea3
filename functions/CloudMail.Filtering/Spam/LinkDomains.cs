using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using CloudMail.Filtering.Dmarc;
using MimeKit;

namespace CloudMail.Filtering.Spam;

/// <summary>
/// The sites a message links to, as URI blocklists are asked about them (RFC 5782 §3; SURBL's and Spamhaus DBL's usage
/// notes): each <c>http</c>/<c>https</c> URL and each bare <c>www.</c> host name in the text and HTML bodies, reduced to
/// its registrable domain (the public suffix plus one label, from the Public Suffix List), or an IPv4 literal; distinct,
/// in order of first appearance, at most <c>limit</c>. Internationalized names are given in their ASCII form. Pure; never
/// throws for message content.
/// </summary>
public static partial class LinkDomains
{
    /// <summary>Registrable domains (lower case) and IPv4 literals the message's bodies link to.</summary>
    public static IReadOnlyList<string> Of(MimeMessage message, PublicSuffixList suffixes, int limit)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(suffixes);
        var found = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            foreach (string? body in new[] { message.TextBody, message.HtmlBody })
            {
                if (body is null) continue;
                foreach (Match m in Link().Matches(body))
                {
                    if (found.Count >= limit) return found;
                    string? site = Site(m.Groups["host"].Value, suffixes);
                    if (site is not null && seen.Add(site)) found.Add(site);
                }
            }
        }
        catch (RegexMatchTimeoutException)
        {
            // A pathological body: the links found so far are the answer.
        }
        return found;
    }

    /// <summary>The registrable domain of <paramref name="host"/>, the host itself for an IPv4 literal, or null when it is neither.</summary>
    private static string? Site(string host, PublicSuffixList suffixes)
    {
        host = host.TrimEnd('.');
        if (host.Length is 0 or > 253) return null;
        if (IPAddress.TryParse(host, out var address))
            return address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && host.Count(c => c == '.') == 3 ? address.ToString() : null;
        string ascii;
        try
        {
            ascii = new IdnMapping().GetAscii(host).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            return null;
        }
        if (!ascii.Contains('.', StringComparison.Ordinal) || ascii.Split('.').Any(l => l.Length is 0 or > 63)) return null;
        string domain = suffixes.OrganizationalDomain(ascii);
        // A bare public suffix (a link to "co.uk") names no registrable site.
        return domain == suffixes.PublicSuffix(ascii) ? null : domain;
    }

    /// <summary>A URL's host after <c>http://</c>, <c>https://</c> (optionally with user info), or a bare <c>www.</c> host name.</summary>
    [GeneratedRegex(@"(?:\bhttps?://(?:[^\s/@""'<>]*@)?|\b(?=www\.))(?<host>[\p{L}\p{N}](?:[\p{L}\p{N}\-]*[\p{L}\p{N}])?(?:\.[\p{L}\p{N}](?:[\p{L}\p{N}\-]*[\p{L}\p{N}])?)+)",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Link();
}
