using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CloudMail.Core.Events;

/// <summary>
/// The <c>CloudMail-Signature</c> header of a webhook POST: <c>t=&lt;unix seconds&gt;,v1=&lt;hex&gt;</c>, the hex being the
/// lower-case HMAC-SHA256 keyed with the subscription's secret (its UTF-8 bytes) over <c>"&lt;t&gt;.&lt;body&gt;"</c>. The
/// time is signed with the body, so a receiver that rejects a stale <c>t</c> (docs/webhooks.md: 5 minutes) cannot be
/// fed a recorded request again.
/// </summary>
public static class WebhookSignature
{
    /// <summary>The header name.</summary>
    public const string HeaderName = "CloudMail-Signature";

    /// <summary>How far a receiver should let <c>t</c> be from its clock (documented; the sender does not enforce it).</summary>
    public static readonly TimeSpan RecommendedTolerance = TimeSpan.FromMinutes(5);

    /// <summary>The header value for <paramref name="body"/> signed at <paramref name="at"/> with <paramref name="secret"/>.</summary>
    public static string Sign(string secret, DateTimeOffset at, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        string t = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"t={t},v1={Hex(secret, t, body)}";
    }

    /// <summary>
    /// True when <paramref name="header"/> signs <paramref name="body"/> with <paramref name="secret"/> and its time is
    /// within <paramref name="tolerance"/> of <paramref name="now"/>: what a receiver does. Never throws for any header.
    /// </summary>
    public static bool Verify(string secret, string? header, ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan tolerance)
    {
        ArgumentNullException.ThrowIfNull(secret);
        string? t = null;
        var signatures = new List<string>();
        foreach (string part in (header ?? "").Split(',', StringSplitOptions.TrimEntries))
        {
            if (part.StartsWith("t=", StringComparison.Ordinal)) t = part[2..];
            else if (part.StartsWith("v1=", StringComparison.Ordinal)) signatures.Add(part[3..]);
        }
        if (t is null || !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out long seconds)) return false;
        if (seconds > 253_402_300_799 || (now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > tolerance) return false;
        byte[] expected = Encoding.ASCII.GetBytes(Hex(secret, t, body));
        return signatures.Any(s => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(s), expected));
    }

    private static string Hex(string secret, string t, ReadOnlySpan<byte> body)
    {
        byte[] prefix = Encoding.ASCII.GetBytes(t + ".");
        byte[] signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }
}
