using CloudMail.Core.Dkim;
using MimeKit;
using MimeKit.Cryptography;

namespace CloudMail.Filtering.Dkim;

/// <summary>
/// Verifies every DKIM-Signature field of a message (at most <see cref="MaxSignatures"/>, the first ones) with MimeKit's
/// <see cref="DkimVerifier"/>: a signature whose x= lies in the past fails (RFC 6376 §3.5 "x="; checked here, before
/// the key lookup), one with l= is verified on the covered part only and flagged <see cref="DkimResult.BodyLengthLimited"/>
/// (RFC 6376 §8.2: what follows the l= octets is unsigned), one with a=rsa-sha1 is <c>policy</c> (RFC 8301 §3.1: not
/// to be verified). A missing key is permerror, a DNS failure temperror, a
/// malformed field permerror. Well-formed rsa-sha256 signatures are checked by <see cref="PlatformRsaDkimCheck"/> (the
/// platform's RSA, several times cheaper than BouncyCastle's); the rest by MimeKit's verifier. Never throws for message content.
/// </summary>
public sealed class DkimMessageVerifier(IDkimPublicKeyLocator locator, TimeProvider time)
{
    /// <summary>Signatures verified per message; later ones are ignored (each costs a DNS query and an RSA operation).</summary>
    public const int MaxSignatures = 8;

    public async Task<IReadOnlyList<DkimResult>> VerifyAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        var verifier = new DkimVerifier(locator);
        var platform = new PlatformRsaDkimCheck(locator);
        var results = new List<DkimResult>();
        foreach (var header in message.Headers.Where(h => h.Id == HeaderId.DkimSignature).Take(MaxSignatures))
        {
            results.Add(await VerifyOneAsync(platform, verifier, message, header, cancellationToken).ConfigureAwait(false));
        }
        return results;
    }

    private async Task<DkimResult> VerifyOneAsync(PlatformRsaDkimCheck platform, DkimVerifier verifier, MimeMessage message, Header header, CancellationToken cancellationToken)
    {
        var tags = DkimSignatureTags.Parse(header.Value);
        string domain = tags.GetValueOrDefault("d", string.Empty), selector = tags.GetValueOrDefault("s", string.Empty);
        bool limited = tags.ContainsKey("l");
        DkimResult Result(string result, string reason) => new(result, domain, selector, limited, reason);
        if (DkimSignatureTags.Expiry(tags) is { } expiry && expiry < time.GetUtcNow()) return Result("fail", "signature expired");
        // RFC 8301 §3.1: rsa-sha1 MUST NOT be used for verifying. Not "fail" (nothing was found wrong with it): "policy", the
        // RFC 8601 §2.7.1 result for a signature not acceptable to the verifier.
        if (string.Equals(tags.GetValueOrDefault("a"), "rsa-sha1", StringComparison.OrdinalIgnoreCase))
            return Result("policy", "rsa-sha1 is not accepted (RFC 8301 §3.1)");
        try
        {
            bool valid = await platform.TryVerifyAsync(message, header, tags, cancellationToken).ConfigureAwait(false)
                ?? await verifier.VerifyAsync(message, header, cancellationToken).ConfigureAwait(false);
            return valid ? Result("pass", limited ? "body length limited (l=)" : "signature verified") : Result("fail", "signature did not verify");
        }
        catch (DkimKeyUnavailableException e)
        {
            return Result(e.Temporary ? "temperror" : "permerror", e.Message);
        }
        catch (Exception e) when (e is FormatException or NotSupportedException or ArgumentException or InvalidOperationException)
        {
            return Result("permerror", "malformed signature: " + e.Message);
        }
    }
}
