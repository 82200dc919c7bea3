using System.Collections.Concurrent;
using MimeKit.Cryptography;

namespace CloudMail.Core.Dkim;

/// <summary>
/// Per domain, MimeKit signers (DKIM or ARC) for its active keys (newest first), read from <see cref="IDkimKeyStore"/> at
/// most once per <paramref name="lifetime"/>, so that signing does not hit storage and parse a PEM key for every message.
/// </summary>
internal sealed class DkimSignerCache<TSigner>(IDkimKeyStore keys, TimeProvider time, TimeSpan lifetime, Func<DkimKey, TimeProvider, TSigner> create)
{
    private readonly ConcurrentDictionary<string, (DateTimeOffset Expires, IReadOnlyList<TSigner> Signers)> _byDomain = new(StringComparer.Ordinal);

    public async Task<IReadOnlyList<TSigner>> ForDomainAsync(string domain, CancellationToken cancellationToken)
    {
        DateTimeOffset now = time.GetUtcNow();
        if (_byDomain.TryGetValue(domain, out var cached) && cached.Expires > now) return cached.Signers;
        IReadOnlyList<DkimKey> active = await keys.ActiveKeysAsync(domain, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<TSigner> signers = [.. active.Select(key => create(key, time))];
        _byDomain[domain] = (now + lifetime, signers);
        return signers;
    }
}

/// <summary>The DKIM signer factory of <see cref="DkimSignerCache{TSigner}"/>.</summary>
internal static class DkimSignerCache
{
    /// <summary>A relaxed/relaxed rsa-sha256 <see cref="DkimSigner"/> for <paramref name="key"/> whose <c>t=</c> comes from <paramref name="time"/>.</summary>
    public static DkimSigner Dkim(DkimKey key, TimeProvider time)
    {
        using var pem = PemOf(key);
        return new ClockedDkimSigner(pem, key.Domain, key.Selector, time)
        {
            HeaderCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
            BodyCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
        };
    }

    /// <summary>The private key's PEM text as a stream, for MimeKit's signer constructors.</summary>
    public static MemoryStream PemOf(DkimKey key) => new(System.Text.Encoding.ASCII.GetBytes(key.PrivateKeyPem));

    /// <summary>A <see cref="DkimSigner"/> whose <c>t=</c> comes from <see cref="TimeProvider"/>.</summary>
    private sealed class ClockedDkimSigner(Stream pem, string domain, string selector, TimeProvider time)
        : DkimSigner(pem, domain, selector, DkimSignatureAlgorithm.RsaSha256)
    {
        protected override long GetTimestamp() => time.GetUtcNow().ToUnixTimeSeconds();
    }
}
