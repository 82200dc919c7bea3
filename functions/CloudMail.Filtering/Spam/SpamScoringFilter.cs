using System.Globalization;
using System.Net;
using CloudMail.Core.Filtering;
using CloudMail.Core.Filtering.SenderLists;
using CloudMail.Core.Messages;
using Microsoft.Extensions.Logging;
using MimeKit;

namespace CloudMail.Filtering.Spam;

/// <summary>
/// Scores mail from other servers with <see cref="SpamRules"/> (header and content), <see cref="ReceivedRules"/> (forged
/// trace fields), <see cref="AuthenticationRules"/> (the SPF, DKIM, DMARC and ARC results of the same filter-chain run,
/// when those checks are on) and <see cref="BlocklistRules"/> (client and linked sites in DNS blocklists, when zones are
/// configured): from <see cref="SpamOptions.RejectThreshold"/> it is
/// refused in the session (550 5.7.1), from <see cref="SpamOptions.JunkThreshold"/> it is filed in Junk; every scored
/// message gets <c>X-Spam-Score</c> and <c>X-Spam-Status</c> (<c>Yes</c>/<c>No, score=S required=T tests=...</c>, as
/// SpamAssassin writes it, so existing client rules work), and <c>X-Spam-Flag: YES</c> when it is spam. A message MimeKit
/// cannot parse is not scored. Mail every recipient's sender lists allow (<see cref="SenderListPolicy"/>) is not scored
/// either: it gets <c>X-Spam-Status: No, allow-listed</c> and is never refused or filed in Junk. With an
/// <see cref="RspamdClient"/>, rspamd scores the message too and <see cref="SpamVerdict.Merge"/> combines the two; rspamd
/// failing or timing out (<see cref="RspamdOptions.Timeout"/>) is logged and leaves the built-in verdict alone.
/// </summary>
public sealed partial class SpamScoringFilter(SpamOptions options, TimeProvider time, ILogger<SpamScoringFilter> logger,
    SenderListPolicy? senderLists = null, RspamdClient? rspamd = null, BlocklistRules? blocklists = null) : IInboundFilter
{
    public async Task<InboundVerdict> CheckAsync(Envelope envelope, Func<CancellationToken, Task<Stream>> open, CancellationToken cancellationToken)
    {
        IPAddress? client = IPAddress.TryParse(envelope.RemoteAddress, out var address) ? address : null;
        if (senderLists is not null && await senderLists.AllAllowAsync(envelope.Recipients, envelope.MailFrom, client, cancellationToken).ConfigureAwait(false))
        {
            return new InboundVerdict(null, "X-Spam-Status: No, allow-listed\r\n", IsSpamField, "spam: sender allow-listed");
        }
        // Parsed once per filter-chain run and shared with the authentication filter (ParsedMessages).
        if ((await ParsedMessages.ParseAsync(open, cancellationToken).ConfigureAwait(false)).Message is not { } message)
        {
            return new InboundVerdict(null, string.Empty, null, "spam: not scored (unparsable)");
        }
        var hits = new List<SpamHit>(SpamRules.Evaluate(message, time.GetUtcNow()));
        hits.AddRange(ReceivedRules.Evaluate(message, envelope));
        if (AuthenticationReports.Of(open) is { } authentication) hits.AddRange(AuthenticationRules.Evaluate(authentication));
        if (blocklists is { Enabled: true }) hits.AddRange(await blocklists.EvaluateAsync(client, message, cancellationToken).ConfigureAwait(false));
        if (rspamd is null) return SpamVerdict.Merge(hits, null, null, options, IsSpamField);
        var (reply, note) = await AskRspamdAsync(rspamd, envelope, open, cancellationToken).ConfigureAwait(false);
        return SpamVerdict.Merge(hits, reply, note, options, IsSpamField);
    }

    /// <summary>rspamd's reply, or null and why not (too large, unavailable, skipped): never an exception for rspamd's failures.</summary>
    private async Task<(RspamdReply? Reply, string? Note)> AskRspamdAsync(RspamdClient client, Envelope envelope,
        Func<CancellationToken, Task<Stream>> open, CancellationToken cancellationToken)
    {
        await using var content = await open(cancellationToken).ConfigureAwait(false);
        if (content.CanSeek && content.Length > client.Options.MaxScanBytes) return (null, "not asked (too large)");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(client.Options.Timeout);
        try
        {
            var reply = await client.CheckAsync(envelope, content, timeout.Token).ConfigureAwait(false);
            if (reply is null) return Unavailable("not an rspamd reply");
            return reply.Skipped ? (null, "skipped") : (reply, null);
        }
        catch (Exception e) when (e is HttpRequestException or IOException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return Unavailable(e is OperationCanceledException ? "timed out" : e.Message);
        }

        (RspamdReply?, string?) Unavailable(string reason)
        {
            LogRspamdUnavailable(client.Options.Url, reason, envelope.MailFrom);
            return (null, "unavailable");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "rspamd at {Url} did not score a message from <{MailFrom}>: {Reason}; the built-in spam verdict stands alone")]
    private partial void LogRspamdUnavailable(string url, string reason, string mailFrom);

    private static bool IsSpamField(string field) => field.StartsWith("X-Spam-", StringComparison.OrdinalIgnoreCase);
}
