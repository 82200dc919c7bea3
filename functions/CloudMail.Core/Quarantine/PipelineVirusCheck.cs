using CloudMail.Core.Blobs;
using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Events;
using CloudMail.Core.Pipeline;
using CloudMail.Core.Queue;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudMail.Core.Quarantine;

/// <summary>
/// The virus scan of the inbound stage (both hosts, <see cref="InboundStage"/>), for messages accepted unscanned
/// (<see cref="Messages.Envelope.ScanPending"/>: the HTTP send API's, and mail accepted while the session's scanner was
/// unavailable). Runs before routing, so nothing is delivered before the verdict:
/// <list type="bullet">
/// <item>clean (or not scanned by policy, e.g. too large) → routed, the verdict joined to <see cref="Messages.Envelope.Verdict"/>
/// (the delivery log of local deliveries shows it);</item>
/// <item>infected → quarantined (<see cref="IQuarantineStore"/>; the blob stays), every recipient logged
/// <see cref="DeliveryStatus.Quarantined"/> with the signature, the administrator notified
/// (<see cref="QuarantineNotifier"/>), <c>message.quarantined</c> published to the sender's webhooks; the job completes.
/// Recipients are told nothing, and no bounce goes out (the sender of a virus is mostly forged);</item>
/// <item>scanner unavailable → by <see cref="QuarantineOptions.PipelineWhenUnavailable"/>: a transient failure (the
/// recipients logged <see cref="DeliveryStatus.Deferred"/>, the job retried with the pipeline's backoff, never delivered
/// unscanned), or routed marked "not scanned".</item>
/// </list>
/// Without a scanner (<c>CloudMail:Antivirus:Clamd</c> empty) messages are routed unscanned, as before. With an
/// <see cref="IBlobScanVerdicts"/> (Defender for Storage in Azure) every inbound message, pending or not, waits for that
/// verdict instead, with the same outcomes (no verdict yet counts as the scanner being unavailable); a message released
/// from quarantine (<see cref="QuarantineAdministration.ReleasedJobSuffix"/>) is not held again. Idempotent: a
/// redelivered job quarantines once (store keyed by message id, log upserts, notice and event ids derived from it).
/// </summary>
public sealed partial class PipelineVirusCheck(
    IQuarantineStore store,
    IDeliveryLog deliveryLog,
    IMessageBlobStore blobs,
    QuarantineNotifier notifier,
    IOptions<QuarantineOptions> options,
    TimeProvider time,
    ILogger<PipelineVirusCheck> logger,
    IMessageScanner? scanner = null,
    MailEventPublisher? events = null,
    IBlobScanVerdicts? blobVerdicts = null)
{
    /// <summary>Delivery-log reply of a recipient while the scan waits for the scanner.</summary>
    public const string UnavailableReply = "451 4.7.1 virus scanner unavailable; retry scheduled (never delivered unscanned)";

    /// <summary>Delivery-log reply of a quarantined recipient (<c>{0}</c>: the signature).</summary>
    public static string QuarantinedReply(string signature) => $"554 5.7.1 quarantined: virus {signature}; not delivered";

    /// <summary>
    /// Scans <paramref name="job"/> when it must be. Returns the job to route (its envelope no longer
    /// <see cref="Messages.Envelope.ScanPending"/>, so the jobs derived from it are not scanned again), or the outcome
    /// that settles it instead (quarantined: done; scanner unavailable: transient). Storage failures propagate.
    /// </summary>
    public async Task<(MailJob? Route, StageOutcome? Settled)> CheckAsync(MailJob job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        bool external = blobVerdicts is not null && !job.JobId.EndsWith(QuarantineAdministration.ReleasedJobSuffix, StringComparison.Ordinal);
        if (!external && (!job.Envelope.ScanPending || scanner is null or NoMessageScanner)) return (job, null);
        // Routed before and reclaimed since: the inbound processor knows what to do with a missing blob.
        if (!await blobs.ExistsAsync(job.Blob.Id, cancellationToken).ConfigureAwait(false)) return (job, null);
        ScanResult result = external
            ? await blobVerdicts!.GetAsync(job.Blob.Id, cancellationToken).ConfigureAwait(false)
            : await scanner!.ScanAsync(ct => blobs.OpenReadAsync(job.Blob.Id, ct), cancellationToken).ConfigureAwait(false);
        switch (result)
        {
            case ScanResult.Infected infected:
                await QuarantineAsync(job, infected.Signature, cancellationToken).ConfigureAwait(false);
                return (null, StageOutcome.Done);
            case ScanResult.Unavailable unavailable when options.Value.PipelineWhenUnavailable == UnavailablePolicy.Retry:
                LogDeferred(job.MessageId, unavailable.Reason);
                await RecordAsync(job, DeliveryStatus.Deferred, 0, UnavailableReply, cancellationToken).ConfigureAwait(false);
                return (null, new StageOutcome.Transient(options.Value.UnavailableRetryAfter, "virus scanner unavailable: " + unavailable.Reason));
            case ScanResult.Unavailable:
                return (Scanned(job, "not scanned: scanner unavailable"), null);
            case ScanResult.NotScanned notScanned:
                return (Scanned(job, "not scanned: " + notScanned.Reason), null);
            default:
                return (Scanned(job, "virus scan clean"), null);
        }
    }

    private static MailJob Scanned(MailJob job, string verdict) => job with
    {
        Envelope = job.Envelope with
        {
            ScanPending = false,
            Verdict = job.Envelope.Verdict is { Length: > 0 } earlier ? earlier + "; " + verdict : verdict,
        },
    };

    private async Task QuarantineAsync(MailJob job, string signature, CancellationToken cancellationToken)
    {
        var entry = new QuarantineEntry(job.MessageId, job, signature, time.GetUtcNow());
        if (!await store.AddAsync(entry, cancellationToken).ConfigureAwait(false))
            entry = await store.GetAsync(job.MessageId, cancellationToken).ConfigureAwait(false) ?? entry;
        LogQuarantined(job.MessageId, signature, job.Envelope.MailFrom, entry.Source);
        await RecordAsync(job, DeliveryStatus.Quarantined, 1, QuarantinedReply(signature), cancellationToken).ConfigureAwait(false);
        await notifier.NotifyAsync(entry, cancellationToken).ConfigureAwait(false);
        if (events is not null)
            await events.PublishOutboundAsync(job, MailEventType.Quarantined, [.. job.EffectiveRecipients], cancellationToken).ConfigureAwait(false);
    }

    private async Task RecordAsync(MailJob job, DeliveryStatus status, int attempts, string reply, CancellationToken cancellationToken)
    {
        DateTimeOffset now = time.GetUtcNow();
        foreach (string recipient in job.EffectiveRecipients.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            await deliveryLog.RecordAsync(new DeliveryRecord(job.MessageId, recipient, status, attempts, reply, now), cancellationToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Quarantined {MessageId} from <{MailFrom}> (via {Source}): virus {Signature}")]
    private partial void LogQuarantined(string messageId, string signature, string mailFrom, string source);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Virus scan of {MessageId} deferred: scanner unavailable ({Reason})")]
    private partial void LogDeferred(string messageId, string reason);
}
