using System.Security.Cryptography;
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
/// per domain. Throws only for storage failures and for a stored key that cannot be read (a broken key is a
/// configuration error to surface, not a reason to send unsigned); any message bytes are answered, unsigned if need be.
/// </summary>
public sealed class DkimOutboundSigner(IDkimKeyStore keys, TimeProvider time) : IOutboundMessageSigner
{
    /// <summary>How long a domain's keys are cached: a new or deactivated key takes effect within this time.</summary>
    public static readonly TimeSpan KeyCacheLifetime = TimeSpan.FromMinutes(1);

    /// <summary>The header fields signed when present (RFC 6376 section 5.4.1), From once more for oversigning.</summary>
    public static readonly IReadOnlyList<string> SignedHeaders =
    [
        "From", "To", "Cc", "Subject", "Date", "Message-ID", "Reply-To", "In-Reply-To", "References",
        "MIME-Version", "Content-Type", "Content-Transfer-Encoding",
    ];

    private static readonly FormatOptions Crlf = new() { NewLineFormat = NewLineFormat.Dos };

    private readonly DkimSignerCache _signers = new(keys, time, KeyCacheLifetime);

    /// <inheritdoc />
    public async Task<string?> SignatureHeaderAsync(Stream message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        using var originalHash = SHA256.Create();
        MimeMessage parsed;
        await using (var hashing = new CryptoStream(message, originalHash, CryptoStreamMode.Read, leaveOpen: true))
        {
            try
            {
                parsed = await new MimeParser(hashing, MimeFormat.Entity).ParseMessageAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (FormatException)
            {
                return null; // No header block MimeKit can read: nothing to sign (the receiver judges the message as it is).
            }
            await hashing.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
        }
        using (parsed)
        {
            string? domain = parsed.From.Mailboxes.FirstOrDefault()?.Domain;
            if (string.IsNullOrWhiteSpace(domain)) return null;
            IReadOnlyList<DkimSigner> signers = await _signers.ForDomainAsync(domain.Trim().ToLowerInvariant(), cancellationToken).ConfigureAwait(false);
            if (signers.Count == 0 || !WritesBackUnchanged(parsed, originalHash.Hash!)) return null;
            return Sign(parsed, signers);
        }
    }

    /// <summary>Signs with each signer, newest key first; the fields come back in the order they are to be prepended.</summary>
    private static string Sign(MimeMessage message, IReadOnlyList<DkimSigner> signers)
    {
        var headers = new List<string>(SignedHeaders.Count + 1);
        // MimeKit keeps the top-level Content-* fields with the body entity, not in MimeMessage.Headers.
        headers.AddRange(SignedHeaders.Where(name => message.Headers.Contains(name) || message.Body?.Headers.Contains(name) == true));
        headers.Add("From");
        var fields = new StringBuilder();
        foreach (DkimSigner signer in signers)
        {
            signer.Sign(Crlf, message, headers);
            Header signature = message.Headers[0];
            message.Headers.RemoveAt(0);
            fields.Append(FieldText(signature));
        }
        return fields.ToString();
    }

    /// <summary>The complete field with CRLF line ends (relaxed header canonicalization ignores how it is folded).</summary>
    private static string FieldText(Header header)
    {
        string value = Encoding.ASCII.GetString(header.RawValue).Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal);
        if (!value.EndsWith("\r\n", StringComparison.Ordinal)) value += "\r\n";
        return header.Field + ":" + value;
    }

    /// <summary>
    /// Whether MimeKit writes <paramref name="message"/> back as the bytes it was parsed from: the signature covers what
    /// MimeKit writes, and the receiver verifies the stored bytes.
    /// </summary>
    private static bool WritesBackUnchanged(MimeMessage message, byte[] originalSha256)
    {
        using var written = SHA256.Create();
        using (var hashing = new CryptoStream(Stream.Null, written, CryptoStreamMode.Write))
        {
            message.WriteTo(Crlf, hashing);
        }
        return CryptographicOperations.FixedTimeEquals(written.Hash, originalSha256);
    }
}
