using System.Globalization;
using System.Net;
using CloudMail.Core.Filtering;
using CloudMail.Core.Filtering.SenderLists;
using CloudMail.Core.Messages;
using MimeKit;

namespace CloudMail.Filtering.Spam;

/// <summary>
/// Scores mail from other servers with <see cref="SpamRules"/>: from <see cref="SpamOptions.RejectThreshold"/> it is
/// refused in the session (550 5.7.1), from <see cref="SpamOptions.JunkThreshold"/> it is filed in Junk; every scored
/// message gets <c>X-Spam-Score</c> and <c>X-Spam-Status</c> (<c>Yes</c>/<c>No, score=S required=T tests=...</c>, as
/// SpamAssassin writes it, so existing client rules work), and <c>X-Spam-Flag: YES</c> when it is spam. A message MimeKit
/// cannot parse is not scored. Mail every recipient's sender lists allow (<see cref="SenderListPolicy"/>) is not scored
/// either: it gets <c>X-Spam-Status: No, allow-listed</c> and is never refused or filed in Junk.
/// </summary>
public sealed class SpamScoringFilter(SpamOptions options, TimeProvider time, SenderListPolicy? senderLists = null) : IInboundFilter
{
    public async Task<InboundVerdict> CheckAsync(Envelope envelope, Func<CancellationToken, Task<Stream>> open, CancellationToken cancellationToken)
    {
        if (senderLists is not null && await senderLists.AllAllowAsync(envelope.Recipients, envelope.MailFrom,
                IPAddress.TryParse(envelope.RemoteAddress, out var client) ? client : null, cancellationToken).ConfigureAwait(false))
        {
            return new InboundVerdict(null, "X-Spam-Status: No, allow-listed\r\n", IsSpamField, "spam: sender allow-listed");
        }
        MimeMessage message;
        await using (var stream = await open(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                message = await MimeMessage.LoadAsync(stream, persistent: false, cancellationToken).ConfigureAwait(false);
            }
            catch (FormatException)
            {
                return new InboundVerdict(null, string.Empty, null, "spam: not scored (unparsable)");
            }
        }
        var hits = SpamRules.Evaluate(message, time.GetUtcNow());
        double score = Math.Round(hits.Sum(h => h.Score), 1);
        string tests = hits.Count == 0 ? "none" : string.Join(',', hits.Select(h => h.Rule));
        string s = score.ToString("0.0", CultureInfo.InvariantCulture), t = options.JunkThreshold.ToString("0.0", CultureInfo.InvariantCulture);
        if (score >= options.RejectThreshold)
            return new InboundVerdict(new InboundRejection(550, "5.7.1", $"Message refused as spam (score {s}, {tests})"), string.Empty, null, $"spam {s} refused");
        bool junk = score >= options.JunkThreshold;
        string headers = $"X-Spam-Score: {s}\r\nX-Spam-Status: {(junk ? "Yes" : "No")}, score={s} required={t} tests={tests}\r\n"
            + (junk ? "X-Spam-Flag: YES\r\n" : string.Empty);
        // A sender's own X-Spam-* fields are not to be believed: CloudMail's replace them.
        return new InboundVerdict(null, headers, IsSpamField, $"spam {s} ({tests})", junk);
    }

    private static bool IsSpamField(string field) => field.StartsWith("X-Spam-", StringComparison.OrdinalIgnoreCase);
}
