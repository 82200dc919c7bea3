using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CloudMail.Core.DnsSetup;

/// <summary>
/// The MTA-STS policy a CloudMail domain publishes (RFC 8461 section 3.2) at
/// <c>https://mta-sts.DOMAIN/.well-known/mta-sts.txt</c>: the server's host name as the one MX, the configured mode and
/// max_age. <see cref="Id"/> is derived from the text, so the TXT record's <c>id</c> changes exactly when the policy does
/// (section 3.1: senders refetch when it changes).
/// </summary>
public sealed record MtaStsPolicyFile(string Mode, string MxHost, TimeSpan MaxAge)
{
    /// <summary>Path of the policy on the <c>mta-sts.</c> host (RFC 8461 section 3.3).</summary>
    public const string WellKnownPath = "/.well-known/mta-sts.txt";

    /// <summary>The policy file's body, CRLF line endings as section 3.2 shows.</summary>
    public string Text => string.Create(CultureInfo.InvariantCulture,
        $"version: STSv1\r\nmode: {Mode}\r\nmx: {MxHost}\r\nmax_age: {(long)MaxAge.TotalSeconds}\r\n");

    /// <summary>The <c>id</c> of the <c>_mta-sts</c> TXT record: 1–32 alphanumerics (section 3.1), from a hash of the text.</summary>
    public string Id => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(Text)))[..20];
}
