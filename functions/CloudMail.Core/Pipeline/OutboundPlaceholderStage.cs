using CloudMail.Core.Delivery;
using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Queue;
using Microsoft.Extensions.Logging;

namespace CloudMail.Core.Pipeline;

/// <summary>
/// PLACEHOLDER for the remote delivery stage (MX lookup, MTA-STS, DKIM signing, SMTP to the remote server), which does
/// not exist yet. So that nothing is lost or misreported meanwhile, each outbound job is recorded honestly in the
/// delivery log — every recipient <see cref="DeliveryStatus.Deferred"/>, attempts counted, with a last reply saying
/// remote delivery is not implemented — and answered <see cref="StageOutcome.Transient"/>: the job is rescheduled with
/// backoff and, after <see cref="PipelineOptions.MaxRetries"/> retries, dead-lettered, where it stays to be replayed once
/// the delivery stage exists. Replace this class with that stage; the hosts run it as they run any <see cref="IPipelineStage"/>. Only the
/// Functions host runs it (its outbound trigger); the embedded host has no outbound worker yet.
/// </summary>
public sealed partial class OutboundPlaceholderStage(IDeliveryLog deliveryLog, TimeProvider time, ILogger<OutboundPlaceholderStage> logger) : IPipelineStage
{
    /// <summary>The last reply recorded for each recipient while remote delivery is missing.</summary>
    public const string NotImplementedReply = "remote delivery is not implemented yet; the message is kept and retried";

    /// <summary>How long a deferred job waits at least before its next try.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromMinutes(30);

    public string QueueName => QueueNames.Outbound;

    public async Task<StageOutcome> RunAsync(MailJob job, CancellationToken cancellationToken)
    {
        var previous = (await deliveryLog.GetAsync(job.MessageId, cancellationToken).ConfigureAwait(false))
            .ToDictionary(r => r.Recipient, r => r.Attempts, StringComparer.OrdinalIgnoreCase);
        var now = time.GetUtcNow();
        foreach (string recipient in job.EffectiveRecipients)
        {
            int attempts = previous.GetValueOrDefault(recipient) + 1;
            await deliveryLog.RecordAsync(new DeliveryRecord(job.MessageId, recipient, DeliveryStatus.Deferred, attempts, NotImplementedReply, now),
                cancellationToken).ConfigureAwait(false);
        }
        LogDeferred(job.MessageId, job.EffectiveRecipients.Count);
        return new StageOutcome.Transient(RetryAfter, NotImplementedReply);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbound {MessageId} for {RecipientCount} recipients deferred: remote delivery is not implemented yet")]
    private partial void LogDeferred(string messageId, int recipientCount);
}
