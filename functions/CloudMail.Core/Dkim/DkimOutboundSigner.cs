using System.Text;
using CloudMail.Core.Delivery;
using MimeKit;
using MimeKit.Cryptography;

namespace CloudMail.Core.Dkim;

/// <summary>
/// <see cref="IOutboundMessageSigner"/> with MimeKit's <see cref="DkimSigner"/>: one <c>DKIM-Signature</c> per active
/// key of the domain of the first From mailbox (exactly that domain, RFC 6376 section 3.5 <c>d=</c>; DMARC alignment
/// is with the From domain), relaxed/relaxed canonicalization (section 3.4), the whole body hashed (no <c>l=</c>,
/// section 8.2), <c>t=</c> the signing time, From signed twice so that an added From breaks the signature
/// (section 8.15). The message bytes are never changed: the caller prepends the returned field(s) to the stored bytes,
/// and a message MimeKit would not write back byte for byte goes out unsigned rather than with a signature that
/// cannot verify. Keys are read from <see cref="IDkimKeyStore"/> at most once per <see cref="KeyCacheLifetime"/>
/// per domain. A key held elsewhere (<see cref="DkimKey.RemoteKeyId"/>: Azure Key Vault) signs through
/// <paramref name="remotes"/> with one remote sign call per message (its id and public key are cached with the key).
/// Throws only for storage failures, for a stored key that cannot be read (a broken key is a configuration error to
/// surface, not a reason to send unsigned), and for a remote key that cannot sign (transient
/// <see cref="Failures.TransientStorageException"/>, or <see cref="DkimKeyUnavailableException"/>); any message bytes are
/// answered, unsigned if need be.
/// </summary>
public sealed class DkimOutboundSigner(IDkimKeyStore keys, TimeProvider time, IRemoteDigestSignerFactory? remotes = null) : IOutboundMessageSigner
{
    /// <summary>How long a domain's keys are cached: a new or deactivated key takes effect within this time.</summary>
    public static readonly TimeSpan KeyCacheLifetime = TimeSpan.FromMinutes(1);

    /// <summary>The header fields signed when present (RFC 6376 section 5.4.1), From once more for oversigning.</summary>
    public static readonly IReadOnlyList<string> SignedHeaders =
    [
        "From", "To", "Cc", "Subject", "Date", "Message-ID", "Reply-To", "In-Reply-To", "References",
        "MIME-Version", "Content-Type", "Content-Transfer-Encoding",
    ];

    private readonly DkimSignerCache<DkimSigner> _signers = new(keys, time, KeyCacheLifetime, (key, clock) => DkimSignerCache.Dkim(key, clock, remotes));

    /// <inheritdoc />
    public async Task<string?> SignatureHeaderAsync(Stream message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        // No header block MimeKit can read: nothing to sign (the receiver judges the message as it is).
        using SignableMessage? parsed = await SignableMessage.LoadAsync(message, cancellationToken).ConfigureAwait(false);
        if (parsed is null) return null;
        string? domain = parsed.Message.From.Mailboxes.FirstOrDefault()?.Domain;
        if (string.IsNullOrWhiteSpace(domain)) return null;
        IReadOnlyList<DkimSigner> signers = await _signers.ForDomainAsync(domain.Trim().ToLowerInvariant(), cancellationToken).ConfigureAwait(false);
        if (signers.Count == 0 || !parsed.WritesBackUnchanged()) return null;
        return await SignAsync(parsed, signers, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Signs with each signer, newest key first; the fields come back in the order they are to be prepended.</summary>
    private static async Task<string> SignAsync(SignableMessage message, IReadOnlyList<DkimSigner> signers, CancellationToken cancellationToken)
    {
        List<string> headers = message.Present(SignedHeaders);
        headers.Add("From");
        var fields = new StringBuilder();
        foreach (DkimSigner signer in signers)
        {
            if (signer is RemoteKeyDkimSigner remote) await remote.SignAsync(SignableMessage.Format, message.Message, headers, cancellationToken).ConfigureAwait(false);
            else signer.Sign(SignableMessage.Format, message.Message, headers);
            fields.Append(message.TakeTopFields(1));
        }
        return fields.ToString();
    }
}
