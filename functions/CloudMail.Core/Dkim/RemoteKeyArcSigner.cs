using System.Text;
using MimeKit;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;

namespace CloudMail.Core.Dkim;

/// <summary>
/// The ARC sealer of <see cref="ArcForwardSealer"/> for a key held elsewhere (Key Vault, <see cref="DkimKey.RemoteKeyId"/>):
/// relaxed/relaxed rsa-sha256, ARC-Authentication-Results copied from this server's own Authentication-Results. An ARC
/// set carries two signatures, and the ARC-Seal signs the ARC-Message-Signature including its <c>b=</c> (RFC 8617 §5.1.1),
/// so the remote key signs twice and MimeKit's synchronous pass runs twice, with one <c>t=</c>: the first pass only learns
/// the ARC-Message-Signature's digest (its fields are then removed); the second writes that now-known signature, learns
/// the ARC-Seal's digest and writes a placeholder, which the remote ARC-Seal signature then replaces (<c>b=</c> is empty in
/// what the seal hashes). No private key is given to MimeKit; MimeKit's own Sign methods throw here.
/// </summary>
public sealed class RemoteKeyArcSigner : ArcSigner
{
    /// <summary>What the signing context does in the current pass of this thread (null: not inside <see cref="SealAsync"/>).</summary>
    private sealed class Pass
    {
        public long Timestamp;
        public int Requests;
        public byte[]? MessageSignatureDigest;
        public byte[]? MessageSignature;
        public byte[]? SealDigest;
    }

    [ThreadStatic]
    private static Pass? t_pass;

    private readonly IRemoteDigestSigner _remote;
    private readonly TimeProvider _time;
    private readonly string _authServId;

    public RemoteKeyArcSigner(IRemoteDigestSigner remote, string domain, string selector, TimeProvider time, string authServId)
        : base(RemoteKeyHandle.Instance, domain, selector, DkimSignatureAlgorithm.RsaSha256)
    {
        _remote = remote;
        _time = time;
        _authServId = authServId;
        HeaderCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed;
        BodyCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed;
    }

    /// <summary>
    /// Prepends one ARC set over <paramref name="headers"/> to <paramref name="message"/> (two remote sign calls). On an
    /// exception the message may carry fields with placeholder signatures: discard it (callers work on a parsed copy).
    /// </summary>
    public async Task SealAsync(FormatOptions options, MimeMessage message, IList<string> headers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var pass = new Pass { Timestamp = _time.GetUtcNow().ToUnixTimeSeconds() };
        int before = message.Headers.Count;
        RunPass(pass, () => Sign(options, message, headers));
        if (pass.MessageSignatureDigest is null) return; // MimeKit sealed nothing (no results of ours)
        while (message.Headers.Count > before) message.Headers.RemoveAt(0);

        pass.MessageSignature = await _remote.SignSha256DigestAsync(pass.MessageSignatureDigest, cancellationToken).ConfigureAwait(false);
        pass.Requests = 0;
        RunPass(pass, () => Sign(options, message, headers));
        byte[] seal = await _remote.SignSha256DigestAsync(pass.SealDigest ?? throw new InvalidOperationException("MimeKit did not ask for the ARC-Seal signature."),
            cancellationToken).ConfigureAwait(false);
        Header field = message.Headers.First(h => h.Id == HeaderId.ArcSeal);
        field.SetRawValue(Encoding.ASCII.GetBytes(RemoteKeyDkimSigner.WithSignature(Encoding.ASCII.GetString(field.RawValue), seal)));
    }

    private static void RunPass(Pass pass, Action sign)
    {
        t_pass = pass;
        try
        {
            sign();
        }
        finally
        {
            t_pass = null;
        }
    }

    /// <summary>
    /// First request of a pass: the ARC-Message-Signature (placeholder in the first pass, the remote signature of the same
    /// digest in the second); second request: the ARC-Seal (placeholder, its digest kept).
    /// </summary>
    protected override ISigner CreateSigningContext()
    {
        Pass pass = t_pass ?? throw new InvalidOperationException("A remote key seals only through SealAsync.");
        return new RemoteSigningContext(digest =>
        {
            if (++pass.Requests == 1)
            {
                if (pass.MessageSignature is null)
                {
                    pass.MessageSignatureDigest = digest;
                    return RemoteSigningContext.Placeholder();
                }
                if (!digest.AsSpan().SequenceEqual(pass.MessageSignatureDigest)) throw new InvalidOperationException("The ARC-Message-Signature changed between passes.");
                return pass.MessageSignature;
            }
            pass.SealDigest = digest;
            return RemoteSigningContext.Placeholder();
        });
    }

    protected override long GetTimestamp() => t_pass?.Timestamp ?? _time.GetUtcNow().ToUnixTimeSeconds();

    // MimeKit seals nothing when this returns null.
    protected override AuthenticationResults GenerateArcAuthenticationResults(FormatOptions options, MimeMessage message, CancellationToken cancellationToken) =>
        ArcForwardSealer.OwnResults(message, _authServId)!;

    protected override Task<AuthenticationResults> GenerateArcAuthenticationResultsAsync(FormatOptions options, MimeMessage message, CancellationToken cancellationToken) =>
        Task.FromResult(ArcForwardSealer.OwnResults(message, _authServId)!);
}
