using System.Collections.Concurrent;
using MimeKit.Cryptography;

namespace CloudMail.Core.Dkim;

/// <summary>
/// Per domain, MimeKit signers for its active keys (newest first), read from <see cref="IDkimKeyStore"/> at most once per
/// <paramref name="lifetime"/>, so that signing does not hit storage and parse a PEM key for every message.
/// </summary>
internal sealed class DkimSignerCache(IDkimKeyStore keys, TimeProvider time, TimeSpan lifetime)
{
    private readonly ConcurrentDictionary<string, (DateTimeOffset Expires, IReadOnlyList<DkimSigner> Signers)> _byDomain = new(StringComparer.Ordinal);

    public async Task<IReadOnlyList<DkimSigner>> ForDomainAsync(string domain, CancellationToken cancellationToken)
    {
        DateTimeOffset now = time.GetUtcNow();
        if (_byDomain.TryGetValue(domain, out var cached) && cached.Expires > now) return cached.Signers;
        IReadOnlyList<DkimKey> active = await keys.ActiveKeysAsync(domain, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<DkimSigner> signers = [.. active.Select(key => CreateSigner(key, time))];
        _byDomain[domain] = (now + lifetime, signers);
        return signers;
    }

    private static DkimSigner CreateSigner(DkimKey key, TimeProvider time)
    {
        using var pem = new MemoryStream(System.Text.Encoding.ASCII.GetBytes(key.PrivateKeyPem));
        return new ClockedDkimSigner(pem, key.Domain, key.Selector, time)
        {
            HeaderCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
            BodyCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
        };
    }

    /// <summary>A <see cref="DkimSigner"/> whose <c>t=</c> comes from <see cref="TimeProvider"/>.</summary>
    private sealed class ClockedDkimSigner(Stream pem, string domain, string selector, TimeProvider time)
        : DkimSigner(pem, domain, selector, DkimSignatureAlgorithm.RsaSha256)
    {
        protected override long GetTimestamp() => time.GetUtcNow().ToUnixTimeSeconds();
    }
}
