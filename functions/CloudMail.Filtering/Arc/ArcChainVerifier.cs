using System.Globalization;
using CloudMail.Core.Dkim;
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
    /// <summary>Who sealed each ARC set of <paramref name="message"/> (from its ARC-Seal fields), in message order. Never throws.</summary>
    public static IReadOnlyList<Results.ArcSealer> Sealers(MimeMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return [.. message.Headers.Where(h => h.Id == HeaderId.ArcSeal).Select(h => DkimSignatureTags.Parse(h.Value)).Select(t => new Results.ArcSealer(
            int.TryParse(t.GetValueOrDefault("i"), NumberStyles.None, CultureInfo.InvariantCulture, out int i) ? i : 0,
            t.GetValueOrDefault("d", string.Empty).ToLowerInvariant(), t.GetValueOrDefault("s", string.Empty)))];
    }

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
