using System.Globalization;
using CloudMail.Core.Delivery;
using MimeKit;
using MimeKit.Cryptography;

namespace CloudMail.Core.Dkim;

/// <summary>
/// <see cref="IForwardSealer"/> with MimeKit's <see cref="ArcSigner"/> (RFC 8617 §5.1): one ARC set signed with the
/// newest active DKIM key of the forwarding domain (the same keys store and DNS records as DKIM, RFC 8617 §4.1.2/§4.1.3),
/// relaxed/relaxed. The ARC-Authentication-Results (§4.1.1) copies the method results of this server's own
/// Authentication-Results field (the one with <paramref name="authServId"/>, written by the inbound checks, which remove
/// any received copy claiming it); its <c>arc=</c> result is the chain validation status of the set: <c>cv=none</c> for the
/// first set (§5.1.1), else <c>pass</c> or <c>fail</c> as the inbound check verified the chain. Nothing is added (null) when
/// the forwarding domain has no active key, the message carries no such Authentication-Results field (the checks did not
/// run), a chain arrived without an <c>arc=</c> verdict, the newest seal already says <c>cv=fail</c> (§5.1.2: nothing
/// further to seal), the chain is at <see cref="MaxInstance"/> (§4.2.1), or MimeKit would not write the message back byte for
/// byte. A key held elsewhere (<see cref="DkimKey.RemoteKeyId"/>, Key Vault) seals through <paramref name="remotes"/>
/// (<see cref="RemoteKeyArcSigner"/>, two remote sign calls per set); without a factory such a key is skipped. The ARC-Message-Signature covers the fields of <see cref="DkimOutboundSigner.SignedHeaders"/> and DKIM-Signature
/// when present, never Received or Authentication-Results (hops add and remove those). Throws only for storage failures
/// and unreadable stored keys, as <see cref="DkimOutboundSigner"/> does.
/// </summary>
public sealed class ArcForwardSealer(IDkimKeyStore keys, TimeProvider time, string authServId, IRemoteDigestSignerFactory? remotes = null) : IForwardSealer
{
    /// <summary>The highest instance number an ARC set may have (RFC 8617 §4.2.1).</summary>
    public const int MaxInstance = 50;

    private static readonly IReadOnlyList<string> SignedHeaders = [.. DkimOutboundSigner.SignedHeaders, "DKIM-Signature"];

    private readonly DkimSignerCache<ArcSigner> _signers = new(keys, time, DkimOutboundSigner.KeyCacheLifetime,
        (key, clock) => key.RemoteKeyId is not { } id ? new CopyingArcSigner(key, clock, authServId)
            : remotes is null ? null : new RemoteKeyArcSigner(remotes.For(id), key.Domain, key.Selector, clock, authServId));

    /// <inheritdoc />
    public async Task<string?> SealAsync(Stream message, string forwardingDomain, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentException.ThrowIfNullOrWhiteSpace(forwardingDomain);
        using SignableMessage? parsed = await SignableMessage.LoadAsync(message, cancellationToken).ConfigureAwait(false);
        if (parsed is null || OwnResults(parsed.Message, authServId) is not { } ours) return null;
        var seals = parsed.Message.Headers.Where(h => h.Id == HeaderId.ArcSeal).Select(h => DkimSignatureTags.Parse(h.Value)).ToList();
        if (seals.Count >= MaxInstance) return null;
        if (seals.Count > 0)
        {
            if (!ours.Results.Any(r => r.Method.Equals("arc", StringComparison.OrdinalIgnoreCase))) return null;
            var newest = seals.MaxBy(s => int.TryParse(s.GetValueOrDefault("i"), NumberStyles.None, CultureInfo.InvariantCulture, out int i) ? i : 0)!;
            if (string.Equals(newest.GetValueOrDefault("cv"), "fail", StringComparison.OrdinalIgnoreCase)) return null;
        }
        IReadOnlyList<ArcSigner> signers = await _signers.ForDomainAsync(forwardingDomain.Trim().ToLowerInvariant(), cancellationToken).ConfigureAwait(false);
        if (signers.Count == 0 || !parsed.WritesBackUnchanged()) return null;
        int before = parsed.Message.Headers.Count;
        if (signers[0] is RemoteKeyArcSigner remote) await remote.SealAsync(SignableMessage.Format, parsed.Message, parsed.Present(SignedHeaders), cancellationToken).ConfigureAwait(false);
        else await signers[0].SignAsync(SignableMessage.Format, parsed.Message, parsed.Present(SignedHeaders), cancellationToken).ConfigureAwait(false);
        return parsed.Message.Headers.Count == before + 3 ? parsed.TakeTopFields(3) : null;
    }

    /// <summary>
    /// This server's verdicts: the method results of the first Authentication-Results field whose authserv-id is
    /// <paramref name="authServId"/>, as a new set under that id (the instance is set by the signer); null when there is none.
    /// </summary>
    public static AuthenticationResults? OwnResults(MimeMessage message, string authServId)
    {
        ArgumentNullException.ThrowIfNull(message);
        foreach (Header header in message.Headers.Where(h => h.Id == HeaderId.AuthenticationResults))
        {
            if (!AuthenticationResults.TryParse(header.RawValue, out AuthenticationResults? parsed)
                || !string.Equals(parsed.AuthenticationServiceIdentifier, authServId, StringComparison.OrdinalIgnoreCase)) continue;
            var copy = new AuthenticationResults(authServId);
            foreach (AuthenticationMethodResult result in parsed.Results) copy.Results.Add(result);
            return copy;
        }
        return null;
    }

    /// <summary>An <see cref="ArcSigner"/> whose ARC-Authentication-Results is <see cref="OwnResults"/> and whose <c>t=</c> comes from the clock.</summary>
    private sealed class CopyingArcSigner : ArcSigner
    {
        private readonly TimeProvider _time;
        private readonly string _authServId;

        public CopyingArcSigner(DkimKey key, TimeProvider time, string authServId)
            : base(DkimSignerCache.PemOf(key), key.Domain, key.Selector, DkimSignatureAlgorithm.RsaSha256)
        {
            _time = time;
            _authServId = authServId;
            HeaderCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed;
            BodyCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed;
        }

        // MimeKit seals nothing when this returns null.
        protected override AuthenticationResults GenerateArcAuthenticationResults(FormatOptions options, MimeMessage message, CancellationToken cancellationToken) =>
            OwnResults(message, _authServId)!;

        protected override Task<AuthenticationResults> GenerateArcAuthenticationResultsAsync(FormatOptions options, MimeMessage message, CancellationToken cancellationToken) =>
            Task.FromResult(OwnResults(message, _authServId)!);

        protected override long GetTimestamp() => _time.GetUtcNow().ToUnixTimeSeconds();
    }
}
