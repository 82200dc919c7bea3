using CloudMail.Core.Delivery;
using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Queue;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudMail.Core.Quotas;

/// <summary>
/// What the inbound stage (<see cref="Pipeline.InboundProcessor"/>) does with recipients whose mailbox a message would take
/// over its quota (<see cref="MailboxQuotas.AllowsAsync"/>), as <see cref="QuotaOptions.OverQuotaDelivery"/> says.
/// <list type="bullet">
/// <item>Defer, while <see cref="QuotaOptions.OverQuotaRetryFor"/> has not passed since acceptance: each recipient is logged
/// <see cref="DeliveryStatus.Deferred"/> with <see cref="DeferredReply"/> (which also keeps the blob from being reclaimed),
/// and one inbound job <c>{messageId}:quota:{n}</c> for them is queued <see cref="QuotaOptions.OverQuotaRetryInterval"/>
/// later (<see cref="MailJob.QuotaRetry"/>). The job that found them full completes, so its other recipients are done and
/// its intake marker goes.</item>
/// <item>Bounce, or Defer once that time has passed: each recipient is logged <see cref="DeliveryStatus.Failed"/> with
/// <see cref="BouncedReply"/> and the sender gets one failure DSN (RFC 3464, status 5.2.2 mailbox full, RFC 3463) unless it
/// asked for none (NOTIFY, null sender; <see cref="DsnPolicy"/>).</item>
/// </list>
/// Idempotent like the rest of the stage: the retry job's id and the notification's id (<see cref="BounceSubmitter.IdOf"/>
/// with attempt <c>-1 - QuotaRetry</c>, apart from the outbound stage's attempts) are the same when a job runs twice.
/// </summary>
public sealed partial class OverQuotaDeliveryPolicy(
    IMailQueue queue,
    IDeliveryLog deliveryLog,
    IOptions<QuotaOptions> options,
    TimeProvider time,
    ILogger<OverQuotaDeliveryPolicy> logger,
    BounceSubmitter? bounces = null)
{
    /// <summary>Delivery-log reply of a recipient whose delivery waits for room in a full mailbox.</summary>
    public const string DeferredReply = "452 4.2.2 mailbox full; delivery will be retried";

    /// <summary>Delivery-log reply and DSN diagnostic of a recipient bounced because its mailbox is full.</summary>
    public const string BouncedReply = "552 5.2.2 mailbox full";

    /// <summary>Defers or bounces <paramref name="recipients"/> (envelope recipients of <paramref name="job"/>, each with a full mailbox).</summary>
    public async Task SettleAsync(MailJob job, IReadOnlyList<string> recipients, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(recipients);
        if (recipients.Count == 0) return;
        QuotaOptions o = options.Value;
        DateTimeOffset now = time.GetUtcNow();
        int attempts = job.QuotaRetry + 1;
        if (o.OverQuotaDelivery == OverQuotaDelivery.Defer && now < job.Envelope.ReceivedAt + o.OverQuotaRetryFor)
        {
            int retry = job.QuotaRetry + 1;
            var next = job with { JobId = $"{job.MessageId}:quota:{retry}", Recipients = [.. recipients], QuotaRetry = retry };
            await queue.EnqueueAsync(QueueNames.Inbound, next, now + o.OverQuotaRetryInterval, cancellationToken).ConfigureAwait(false);
            foreach (string recipient in recipients)
            {
                await deliveryLog.RecordAsync(new DeliveryRecord(job.MessageId, recipient, DeliveryStatus.Deferred, attempts, DeferredReply, now,
                    DeliveryStages.Inbound, null, now + o.OverQuotaRetryInterval), cancellationToken)
                    .ConfigureAwait(false);
                LogDeferred(job.MessageId, recipient, now + o.OverQuotaRetryInterval);
            }
            return;
        }
        foreach (string recipient in recipients)
        {
            await deliveryLog.RecordAsync(new DeliveryRecord(job.MessageId, recipient, DeliveryStatus.Failed, attempts, BouncedReply, now, DeliveryStages.Inbound), cancellationToken)
                .ConfigureAwait(false);
            LogBounced(job.MessageId, recipient);
        }
        await NotifyAsync(job, recipients, now, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One failure DSN for the recipients whose NOTIFY wants one.</summary>
    private async Task NotifyAsync(MailJob job, IReadOnlyList<string> recipients, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var envelope = job.Envelope;
        if (bounces is null || !DsnPolicy.MayNotify(envelope.MailFrom)) return;
        List<DsnRecipient> reported = [.. recipients.Where(r => DsnPolicy.WantsFailure(DsnPolicy.NotifyOf(envelope, r)))
            .Select(r => new DsnRecipient(r, envelope.Dsn?.For(r)?.OriginalRecipient, BouncedReply, null, now))];
        if (reported.Count == 0) return;
        var dsn = new DeliveryStatusNotification(DsnKind.Failed, job.MessageId, job.Blob, envelope, reported, -1 - job.QuotaRetry);
        await bounces.SubmitAsync(dsn, cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery of {MessageId} to {Recipient} deferred until {NotBefore}: mailbox full")]
    private partial void LogDeferred(string messageId, string recipient, DateTimeOffset notBefore);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bounced {MessageId} for {Recipient}: mailbox full")]
    private partial void LogBounced(string messageId, string recipient);
}
