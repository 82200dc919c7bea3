using System.Text;
using MimeKit;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;

namespace CloudMail.Core.Dkim;

/// <summary>
/// A relaxed/relaxed rsa-sha256 MimeKit <see cref="DkimSigner"/> whose private key lives elsewhere: MimeKit
/// canonicalizes and hashes the signed headers (RFC 6376 §3.7), and the SHA-256 digest is signed by
/// <see cref="IRemoteDigestSigner"/> (RFC 6376 §3.3.1: RSASSA-PKCS1-v1_5 with SHA-256), asynchronously. MimeKit signs
/// synchronously, so <see cref="SignAsync"/> runs it in two steps: MimeKit's pass (through its
/// <c>CreateSigningContext</c> hook) records the digest and writes a placeholder <c>b=</c>; the remote key signs the
/// digest; the placeholder is replaced by the real signature. <c>b=</c> is empty in what is hashed (§3.7), so the
/// replacement does not change the digest. No private key is ever given to MimeKit. Safe for concurrent use: each call
/// keeps its digest on its own thread for the synchronous pass. MimeKit's synchronous <c>Sign</c> methods throw
/// <see cref="InvalidOperationException"/> here: only <see cref="SignAsync"/> produces a signature.
/// </summary>
public sealed class RemoteKeyDkimSigner : DkimSigner
{
    [ThreadStatic]
    private static byte[]? t_digest;

    [ThreadStatic]
    private static bool t_armed;

    private readonly IRemoteDigestSigner _remote;
    private readonly TimeProvider _time;

    /// <summary>A signer for <paramref name="domain"/>/<paramref name="selector"/> that signs through <paramref name="remote"/>.</summary>
    public RemoteKeyDkimSigner(IRemoteDigestSigner remote, string domain, string selector, TimeProvider time)
        : base(RemoteKeyHandle.Instance, domain, selector, DkimSignatureAlgorithm.RsaSha256)
    {
        _remote = remote;
        _time = time;
        HeaderCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed;
        BodyCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed;
    }

    /// <summary>
    /// Prepends a <c>DKIM-Signature</c> over <paramref name="headers"/> to <paramref name="message"/>, written with
    /// <paramref name="options"/>, one remote sign call. On an exception the message may already carry a field with a
    /// placeholder signature: discard the message (callers work on a parsed copy).
    /// </summary>
    public async Task SignAsync(FormatOptions options, MimeMessage message, IList<string> headers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        byte[] digest;
        t_armed = true;
        try
        {
            Sign(options, message, headers);
            digest = t_digest ?? throw new InvalidOperationException("MimeKit did not ask for a signature.");
        }
        finally
        {
            t_armed = false;
            t_digest = null;
        }

        byte[] signature = await _remote.SignSha256DigestAsync(digest, cancellationToken).ConfigureAwait(false);
        Header field = message.Headers[0];
        field.SetRawValue(Encoding.ASCII.GetBytes(WithSignature(Encoding.ASCII.GetString(field.RawValue), signature)));
    }

    /// <summary>
    /// <paramref name="rawValue"/> (a folded DKIM-Signature value whose last tag is <c>b=</c> with the placeholder) with the
    /// <c>b=</c> value replaced by <paramref name="signature"/>, folded into lines of 76 characters (FWS is allowed inside
    /// <c>b=</c>, RFC 6376 §3.5, and relaxed canonicalization ignores it).
    /// </summary>
    internal static string WithSignature(string rawValue, byte[] signature)
    {
        int tag = rawValue.LastIndexOf("b=", StringComparison.Ordinal);
        while (tag > 0 && rawValue[tag - 1] is not (';' or ' ' or '\t' or '\n')) tag = rawValue.LastIndexOf("b=", tag - 1, StringComparison.Ordinal);
        string old = tag < 0 ? "" : string.Concat(rawValue[(tag + 2)..].Where(c => !char.IsWhiteSpace(c)));
        if (old != RemoteSigningContext.PlaceholderBase64) throw new InvalidOperationException("The DKIM-Signature field does not end with the placeholder b= tag.");
        var value = new StringBuilder(rawValue, 0, tag + 2, rawValue.Length + 400);
        string b64 = Convert.ToBase64String(signature);
        for (int i = 0; i < b64.Length; i += 72)
        {
            if (i > 0) value.Append("\r\n\t");
            value.Append(b64.AsSpan(i, Math.Min(72, b64.Length - i)));
        }
        return value.Append("\r\n").ToString();
    }

    /// <inheritdoc />
    protected override long GetTimestamp() => _time.GetUtcNow().ToUnixTimeSeconds();

    /// <inheritdoc />
    protected override ISigner CreateSigningContext() => t_armed
        ? new RemoteSigningContext(digest =>
        {
            t_digest = digest;
            return RemoteSigningContext.Placeholder();
        })
        : throw new InvalidOperationException("A remote key signs only through SignAsync.");
}
