using System.Collections.Concurrent;
using MimeKit.Cryptography;

namespace CloudMail.Core.Dkim;

/// <summary>
/// Per domain, MimeKit signers (DKIM or ARC) for its active keys (newest first), read from <see cref="IDkimKeyStore"/> at
/// most once per <paramref name="lifetime"/>, so that signing does not hit storage and parse a PEM key (or, for a key held
/// elsewhere, look up its id and public key) for every message. Keys <paramref name="create"/> answers null for are skipped.
/// </summary>
internal sealed class DkimSignerCache<TSigner>(IDkimKeyStore keys, TimeProvider time, TimeSpan lifetime, Func<DkimKey, TimeProvider, TSigner?> create)
    where TSigner : class
{
    private readonly ConcurrentDictionary<string, (DateTimeOffset Expires, IReadOnlyList<TSigner> Signers)> _byDomain = new(StringComparer.Ordinal);

    public async Task<IReadOnlyList<TSigner>> ForDomainAsync(string domain, CancellationToken cancellationToken)
    {
        DateTimeOffset now = time.GetUtcNow();
        if (_byDomain.TryGetValue(domain, out var cached) && cached.Expires > now) return cached.Signers;
        IReadOnlyList<DkimKey> active = await keys.ActiveKeysAsync(domain, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<TSigner> signers = [.. active.Select(key => create(key, time)).OfType<TSigner>()];
        _byDomain[domain] = (now + lifetime, signers);
        return signers;
    }
}

/// <summary>The DKIM signer factory of <see cref="DkimSignerCache{TSigner}"/>.</summary>
internal static class DkimSignerCache
{
    /// <summary>
    /// A relaxed/relaxed rsa-sha256 <see cref="DkimSigner"/> for <paramref name="key"/> whose <c>t=</c> comes from
    /// <paramref name="time"/>: a <see cref="RemoteKeyDkimSigner"/> through <paramref name="remotes"/> for a key held
    /// elsewhere (<see cref="DkimKeyUnavailableException"/> when this host has no way to reach it), else one over the PEM key.
    /// </summary>
    public static DkimSigner Dkim(DkimKey key, TimeProvider time, IRemoteDigestSignerFactory? remotes)
    {
        if (key.RemoteKeyId is { } id)
        {
            IRemoteDigestSigner remote = remotes?.For(id) ?? throw new DkimKeyUnavailableException(
                $"DKIM key {key.Selector} of {key.Domain} is held in a key vault, but no vault is configured on this host.");
            return new RemoteKeyDkimSigner(remote, key.Domain, key.Selector, time);
        }
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
