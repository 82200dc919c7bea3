using System.Security.Cryptography;
using System.Text;
using CloudMail.Core.Messages;
using Microsoft.Extensions.Options;

namespace CloudMail.Core.Routing;

/// <summary>What <see cref="SrsRewriter.Reverse"/> found.</summary>
public enum SrsVerdict
{
    /// <summary>Not an SRS address: resolve it as usual.</summary>
    NotSrs,

    /// <summary>A valid SRS address of this server: deliver to <see cref="SrsReversal.Address"/>.</summary>
    Valid,

    /// <summary>SRS-shaped but malformed, with a wrong hash, or with no secret to check it: refuse.</summary>
    Forged,

    /// <summary>Hash right, but older than <see cref="RoutingOptions.SrsMaxAge"/> (SRS0 only): refuse.</summary>
    Expired,
}

/// <summary>The result of reversing an address: the verdict and, when valid, where the bounce goes.</summary>
public readonly record struct SrsReversal(SrsVerdict Verdict, string? Address = null);

/// <summary>
/// Rewrites the envelope sender of forwarded mail (SRS) and reverses the rewrite when a bounce comes back. The SRS0 hash is
/// the first 4 characters of base64(HMAC-SHA1(secret, TT + domain + local)), compared case-insensitively; SRS1 hashes
/// first-hop + "=" + opaque. All hashed text is lower-cased first (a recipient reaches the resolver lower-cased), so the
/// original sender's local part comes back lower-case. Pure apart from the clock.
/// </summary>
public sealed class SrsRewriter(SrsSecret secret, IOptions<RoutingOptions> options, TimeProvider time)
{
    /// <summary>Characters of the hash, as libsrs2's default.</summary>
    public const int HashLength = 4;

    /// <summary>The longest address that fits an SMTP path: 256 octets with its angle brackets (RFC 5321 §4.5.3.1.3).</summary>
    public const int MaxAddressOctets = 254;

    /// <summary>True when a secret exists: without one, senders are not rewritten and SRS addresses are refused.</summary>
    public bool IsEnabled => secret.IsSet;

    /// <summary>
    /// The envelope sender to use when forwarding mail from <paramref name="sender"/> out of <paramref name="srsDomain"/>:
    /// the null sender stays null, an SRS0 sender becomes SRS1 (keeping the first hop), an SRS1 sender gets a new SRS1 with
    /// the same first hop, anything else becomes SRS0. Unchanged when SRS is off, and when the rewritten address would pass
    /// <see cref="MaxAddressOctets"/>: SMTP servers, this one among them, refuse a longer path (RFC 5321 §4.5.3.1.3), so the
    /// bounce could never come back; with the sender kept, bounces go straight to it (the receiver's SPF check may fail).
    /// </summary>
    public string Forward(string sender, string srsDomain)
    {
        if (sender.Length == 0 || !IsEnabled) return sender;
        SrsAddress rewritten = SrsAddress.Parse(sender) switch
        {
            Srs0Address srs0 => new Srs1Address("", srs0.SrsDomain, srs0.Opaque, srsDomain),
            Srs1Address srs1 => srs1 with { Hash = "", SrsDomain = srsDomain },
            _ => new Srs0Address("", SrsTimestamp.Format(time.GetUtcNow()), MailAddresses.DomainOf(sender),
                MailAddresses.LocalPartOf(sender), srsDomain),
        };
        string address = (rewritten with { Hash = Hash(rewritten.HashedData) }).Format();
        return Encoding.UTF8.GetByteCount(address) <= MaxAddressOctets ? address : sender;
    }

    /// <summary>Checks <paramref name="address"/> (a recipient in one of our domains) and, when it is our valid SRS address, where it leads.</summary>
    public SrsReversal Reverse(string address)
    {
        if (!SrsAddress.LooksLikeSrs(address)) return new(SrsVerdict.NotSrs);
        if (!IsEnabled || SrsAddress.Parse(address) is not { } srs || !HashMatches(srs)) return new(SrsVerdict.Forged);
        if (srs is Srs0Address srs0 && (SrsTimestamp.AgeInDays(srs0.Timestamp, time.GetUtcNow()) is not { } age
            || age > (int)options.Value.SrsMaxAge.TotalDays)) return new(SrsVerdict.Expired);
        return new(SrsVerdict.Valid, srs.ReturnAddress);
    }

    private bool HashMatches(SrsAddress srs)
    {
        byte[] expected = Encoding.ASCII.GetBytes(Hash(srs.HashedData).ToLowerInvariant());
        byte[] given = Encoding.ASCII.GetBytes(srs.Hash.ToLowerInvariant());
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }

    private string Hash(string data)
    {
        byte[] mac = HMACSHA1.HashData(secret.Key!, Encoding.UTF8.GetBytes(data));
        return Convert.ToBase64String(mac)[..HashLength];
    }
}
