using MimeKit;
using MimeKit.Cryptography;

namespace CloudMail.Filtering.Arc;

/// <summary>
/// ARC (RFC 8617 §5.2) validation of a message's chain with MimeKit's <see cref="ArcVerifier"/>: <c>none</c> without
/// ARC sets, <c>pass</c> when every seal and the newest ARC-Message-Signature verify, <c>fail</c> otherwise, with the
/// highest instance in the reason. A DNS failure for a key is reported as <c>fail</c> with the reason (RFC 8617 has no
/// temperror result for the chain). Never throws for message content.
/// </summary>
public sealed class ArcChainVerifier(IDkimPublicKeyLocator locator)
{
    public async Task<(string Result, string Reason)> VerifyAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        if (!message.Headers.Contains(HeaderId.ArcSeal)) return ("none", "no ARC sets");
        try
        {
            var result = await new ArcVerifier(locator).VerifyAsync(message, cancellationToken).ConfigureAwait(false);
            return result.Chain switch
            {
                ArcSignatureValidationResult.Pass => ("pass", $"{result.Seals?.Length ?? 0} ARC set(s) verified"),
                ArcSignatureValidationResult.None => ("none", "no ARC sets"),
                _ => ("fail", result.ChainErrors == ArcValidationErrors.None ? "chain did not verify" : result.ChainErrors.ToString()),
            };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return ("fail", e.Message);
        }
    }
}
