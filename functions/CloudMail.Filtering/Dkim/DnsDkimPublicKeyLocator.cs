using System.Collections.Concurrent;
using CloudMail.Filtering.Dns;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;

namespace CloudMail.Filtering.Dkim;

/// <summary>
/// MimeKit's <see cref="IDkimPublicKeyLocator"/> on <see cref="IAuthenticationDns"/>: the key of
/// <c>selector._domainkey.domain</c> (RFC 6376 §3.6.2.1), for DKIM and ARC verification. A missing or unusable key
/// throws <see cref="DkimKeyUnavailableException"/> (permanent), a DNS failure the same exception marked temporary.
/// Parsed keys are memoized by the exact TXT record text (at most <see cref="MaxCachedKeys"/>; the memo is emptied when
/// full): freshness stays with the DNS cache and its TTLs, since a changed or expired record yields new text and a new
/// parse; only usable keys are memoized, so an error is always answered from the current DNS answer.
/// </summary>
public sealed class DnsDkimPublicKeyLocator(IAuthenticationDns dns) : DkimPublicKeyLocatorBase
{
    /// <summary>Distinct key records whose parsed key is kept.</summary>
    public const int MaxCachedKeys = 1024;

    private readonly ConcurrentDictionary<string, AsymmetricKeyParameter> _parsed = new(StringComparer.Ordinal);

    /// <summary>Number of parsed keys currently memoized (for tests and diagnostics).</summary>
    public int CachedKeyCount => _parsed.Count;

    public override AsymmetricKeyParameter LocatePublicKey(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
        LocatePublicKeyAsync(methods, domain, selector, cancellationToken).GetAwaiter().GetResult();

    public override async Task<AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string domain, string selector, CancellationToken cancellationToken = default)
    {
        string name = $"{selector}._domainkey.{domain}";
        if (!methods.Split(':').Any(m => m.Trim().Equals("dns/txt", StringComparison.OrdinalIgnoreCase)))
            throw new DkimKeyUnavailableException($"no supported query method in q={methods}", temporary: false);
        var answer = await dns.TxtAsync(name, cancellationToken).ConfigureAwait(false);
        if (answer.Status == DnsStatus.Error) throw new DkimKeyUnavailableException($"DNS failure looking up {name}", temporary: true);
        if (answer.Records.Count == 0) throw new DkimKeyUnavailableException($"no key at {name}", temporary: false);
        try
        {
            return Parse(answer.Records[0]);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // RFC 6376 §6.1.2: an unusable key record (revoked p=, wrong k=, bad base64) is a permanent failure.
            throw new DkimKeyUnavailableException($"unusable key at {name}: {e.Message}", temporary: false);
        }
    }

    private AsymmetricKeyParameter Parse(string record)
    {
        if (_parsed.TryGetValue(record, out var key)) return key;
        key = GetPublicKey(record);
        if (_parsed.Count >= MaxCachedKeys) _parsed.Clear();
        _parsed[record] = key;
        return key;
    }
}

/// <summary>The public key of a signature could not be had: <see cref="Temporary"/> for DNS failures (temperror), else permerror.</summary>
public sealed class DkimKeyUnavailableException(string message, bool temporary) : Exception(message)
{
    public bool Temporary { get; } = temporary;
}
