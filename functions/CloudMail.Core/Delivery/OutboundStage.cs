using System.Globalization;
using System.Text;
using CloudMail.Core.Blobs;
using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Events;
using CloudMail.Core.Messages;
using CloudMail.Core.Pipeline;
using CloudMail.Core.Queue;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudMail.Core.Delivery;

/// <summary>
/// The outbound stage of both hosts (queue <see cref="QueueNames.Outbound"/>): hands each remote recipient of a job to
/// <see cref="IOutboundTransport"/>, one call per recipient domain, with the DKIM signature of
/// <see cref="IOutboundMessageSigner"/> (when one is registered and holds a key) in front of the stored bytes (of their
/// 7-bit form when they have 8-bit bodies, <see cref="SevenBitForm"/>), and for an alias forward
/// (<see cref="MailJob.ForwardedBy"/>) the ARC set of <see cref="IForwardSealer"/> above it, and acts on
/// each recipient's result:
/// <list type="bullet">
/// <item>delivered → delivery log <see cref="DeliveryStatus.Delivered"/> with the remote reply; a "relayed" DSN when the
/// sender asked for NOTIFY=SUCCESS;</item>
/// <item>permanent → a failure DSN (RFC 3464) to the sender, then <see cref="DeliveryStatus.Failed"/>;</item>
/// <item>transient → <see cref="DeliveryStatus.Deferred"/> (attempts counted) and a NEW outbound job for those recipients,
/// visible after <see cref="DeliveryOptions.EffectiveRetrySchedule"/>[n] (the last entry repeats; never later than the expiry),
/// JobId <c>{messageId}:outbound:{n}</c> so Service Bus duplicate detection never drops a retry; once
/// <see cref="DeliveryOptions.Expiry"/> has passed since acceptance, failed and bounced instead. One delay DSN per message
/// once <see cref="DeliveryOptions.DelayNoticeAfter"/> has passed (<see cref="MailJob.DelayNoticeSent"/>).</item>
/// </list>
/// The job itself then completes: remote retries are new jobs, never the pipeline's generic backoff. Idempotent:
/// recipients whose log record is final (Delivered, Failed) are skipped, so a job delivered again after a crash never
/// delivers or bounces twice (notification ids are deterministic, <see cref="BounceSubmitter.IdOf"/>). The log's
/// Pending/Deferred records keep <see cref="MessageReclaimer"/> off the blob while work remains. Without a transport
/// (none registered) every recipient is deferred with <see cref="NoTransportReply"/> and retried on the same schedule.
/// Where the host keeps an <see cref="OutboundLedger"/>, a job that ran to completion has its ledger entry removed
/// (best effort: a failure is logged, and the stuck-outbound sweep removes the entry later). Where a
/// <see cref="MailEventPublisher"/> is registered, each run's delivered, deferred and bounced recipients become mail
/// events for the sender's webhook subscriptions once they are recorded.
/// </summary>
public sealed partial class OutboundStage(
    IDeliveryLog deliveryLog,
    IMessageBlobStore blobs,
    IMailQueue queue,
    BounceSubmitter bounces,
    IOptions<DeliveryOptions> options,
    TimeProvider time,
    ILogger<OutboundStage> logger,
    IOutboundTransport? transport = null,
    IOutboundMessageSigner? signer = null,
    OutboundLedger? ledger = null,
    MailEventPublisher? events = null,
    IForwardSealer? sealer = null) : IPipelineStage
{
    /// <summary>The reply recorded while no <see cref="IOutboundTransport"/> is registered.</summary>
    public const string NoTransportReply = "451 4.3.2 remote delivery is not available on this server; the message is kept and retried";

    /// <summary>
    /// The reply recorded while the From domain's DKIM key cannot sign (<see cref="Dkim.DkimKeyUnavailableException"/>:
    /// the vault refuses the key). The message is deferred, never sent unsigned: a domain that publishes a key and a DMARC
    /// policy would see its own mail rejected, and an operator can fix the key before the retries run out (RFC 3463
    /// 4.7.5: cryptographic failure).
    /// </summary>
    public const string SigningKeyUnavailableReply = "451 4.7.5 the sender domain's DKIM signing key is unavailable; the message is kept and retried";

    /// <summary>The reply recorded for a recipient the transport returned no result for (a transport bug; retried).</summary>
    public const string NoResultReply = "451 4.3.0 the outbound transport returned no result for this recipient";

    public string QueueName => QueueNames.Outbound;

    /// <summary>The JobId of retry <paramref name="attempt"/> (1 for the first retry) of <paramref name="messageId"/>.</summary>
    public static string RetryJobId(string messageId, int attempt) => $"{messageId}:outbound:{attempt.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The reply recorded for a recipient still undelivered at expiry, quoting <paramref name="lastReply"/>.</summary>
    public static string ExpiredReply(TimeSpan expiry, string lastReply) =>
        $"550 5.4.7 delivery time expired: not delivered within {expiry.ToString("c", CultureInfo.InvariantCulture)}; last reply: {lastReply}";

    public async Task<StageOutcome> RunAsync(MailJob job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        StageOutcome outcome = await RunJobAsync(job, cancellationToken).ConfigureAwait(false);
        if (outcome is StageOutcome.Completed && ledger is not null) await ForgetAsync(ledger, job, cancellationToken).ConfigureAwait(false);
        return outcome;
    }

    /// <summary>Removes the ledger entry of a settled job; never throws (the job's outcome must stand).</summary>
    private async Task ForgetAsync(OutboundLedger outboundLedger, MailJob job, CancellationToken cancellationToken)
    {
        try
        {
            await outboundLedger.ForgetAsync(job, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Deliberately caught and logged, as IntakeMarkerRemoval does: the sweep finds the entry and settles it.
            LogLedgerEntryLeft(e, job.JobId);
        }
    }

    private async Task<StageOutcome> RunJobAsync(MailJob job, CancellationToken cancellationToken)
    {
        var log = new Dictionary<string, DeliveryRecord>(StringComparer.OrdinalIgnoreCase);
        foreach (DeliveryRecord r in await deliveryLog.GetAsync(job.MessageId, cancellationToken).ConfigureAwait(false)) log[r.Recipient] = r;
        List<string> todo = [.. job.EffectiveRecipients.Distinct(StringComparer.OrdinalIgnoreCase)
            .Where(r => log.GetValueOrDefault(r)?.Status is not (DeliveryStatus.Delivered or DeliveryStatus.Failed))];
        // A run again of this job (its earlier run failed after recording): the events of what it recorded, once more.
        await PublishAsync(job, Settled(job, log, DeliveryStatus.Delivered), [], Settled(job, log, DeliveryStatus.Failed), cancellationToken).ConfigureAwait(false);
        if (todo.Count == 0) return StageOutcome.Done;
        if (!await blobs.ExistsAsync(job.Blob.Id, cancellationToken).ConfigureAwait(false))
            return new StageOutcome.Permanent($"message blob {job.Blob.Id} is missing");

        IReadOnlyList<RecipientResult> results = await DeliverAsync(job, todo, cancellationToken).ConfigureAwait(false);
        DateTimeOffset now = time.GetUtcNow();
        DeliveryOptions o = options.Value;
        bool expired = now >= job.Envelope.ReceivedAt + o.Expiry;
        var delivered = new List<RecipientResult>();
        var failed = new List<RecipientResult>();
        var deferred = new List<RecipientResult>();
        foreach (RecipientResult result in results)
        {
            switch (result.Outcome)
            {
                case RecipientOutcome.Delivered: delivered.Add(result); break;
                case RecipientOutcome.Permanent: failed.Add(result); break;
                case RecipientOutcome.Transient when expired: failed.Add(result with { Reply = ExpiredReply(o.Expiry, result.Reply) }); break;
                default: deferred.Add(result); break;
            }
        }
        CountOutcomes(delivered.Count, deferred.Count, failed.Count);

        foreach (RecipientResult r in delivered)
        {
            await RecordAsync(job, r, DeliveryStatus.Delivered, log, now, cancellationToken).ConfigureAwait(false);
            LogDelivered(job.MessageId, r.Recipient, r.RemoteHost, r.Reply);
        }
        await NotifyAsync(job, DsnKind.Relayed, [.. delivered.Where(r => !r.PeerTakesDsn)], DsnPolicy.WantsSuccess, job.OutboundAttempt, now, cancellationToken).ConfigureAwait(false);

        // The failure DSN before the Failed records: a crash between leaves the recipients to the next run (same id).
        await NotifyAsync(job, DsnKind.Failed, failed, DsnPolicy.WantsFailure, job.OutboundAttempt, now, cancellationToken).ConfigureAwait(false);
        foreach (RecipientResult r in failed)
        {
            await RecordAsync(job, r, DeliveryStatus.Failed, log, now, cancellationToken).ConfigureAwait(false);
            LogFailed(job.MessageId, r.Recipient, r.RemoteHost, r.Reply);
        }

        if (deferred.Count > 0) await RetryAsync(job, deferred, log, now, cancellationToken).ConfigureAwait(false);
        await PublishAsync(job, [.. delivered.Select(r => r.Recipient)], [.. deferred.Select(r => r.Recipient)], [.. failed.Select(r => r.Recipient)],
            cancellationToken).ConfigureAwait(false);
        return StageOutcome.Done;
    }

    /// <summary>
    /// message.delivered, message.deferred and message.bounced of this attempt for the sender's webhook subscriptions
    /// (<see cref="MailEventPublisher"/>), after the delivery log has the results (the events show them). Storage failures
    /// propagate: the job runs again, and publishes the events of the recipients it finds final once more (the same
    /// groups, so the same event ids) before it goes on with the rest.
    /// </summary>
    private async Task PublishAsync(MailJob job, List<string> delivered, List<string> deferred, List<string> failed, CancellationToken cancellationToken)
    {
        if (events is null) return;
        await events.PublishOutboundAsync(job, MailEventType.Delivered, delivered, cancellationToken).ConfigureAwait(false);
        await events.PublishOutboundAsync(job, MailEventType.Deferred, deferred, cancellationToken).ConfigureAwait(false);
        await events.PublishOutboundAsync(job, MailEventType.Bounced, failed, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The recipients of <paramref name="job"/> whose record in <paramref name="log"/> has <paramref name="status"/>.</summary>
    private static List<string> Settled(MailJob job, Dictionary<string, DeliveryRecord> log, DeliveryStatus status) =>
        [.. job.EffectiveRecipients.Distinct(StringComparer.OrdinalIgnoreCase).Where(r => log.GetValueOrDefault(r)?.Status == status)];

    /// <summary>One transport call per recipient domain, all at once; a result for every recipient of <paramref name="todo"/>.</summary>
    private async Task<IReadOnlyList<RecipientResult>> DeliverAsync(MailJob job, List<string> todo, CancellationToken cancellationToken)
    {
        if (transport is null) return [.. todo.Select(r => new RecipientResult(r, RecipientOutcome.Transient, NoTransportReply, null))];
        Signed signed;
        try
        {
            signed = await SignAsync(job, cancellationToken).ConfigureAwait(false);
        }
        catch (Dkim.DkimKeyUnavailableException e)
        {
            LogSigningKeyUnavailable(job.MessageId, e.Message);
            return [.. todo.Select(r => new RecipientResult(r, RecipientOutcome.Transient, SigningKeyUnavailableReply, null))];
        }
        Envelope envelope = job.Envelope;
        var calls = todo.GroupBy(r => MailAddresses.DomainOf(r), StringComparer.Ordinal).Select(async group =>
        {
            List<string> recipients = [.. group];
            var outbound = new OutboundEnvelope(group.Key, envelope.MailFrom,
                [.. recipients.Select(r => new OutboundRecipient(r, DsnPolicy.NotifyOf(envelope, r), envelope.Dsn?.For(r)?.OriginalRecipient))],
                envelope.RequireTls, envelope.Dsn?.Return, envelope.Dsn?.EnvelopeId, envelope.SmtpUtf8);
            IReadOnlyList<RecipientResult> results = await transport.DeliverAsync(outbound, ct => OpenAsync(job, signed, ct), cancellationToken)
                .ConfigureAwait(false);
            return recipients.Select(r => results.FirstOrDefault(x => string.Equals(x.Recipient, r, StringComparison.OrdinalIgnoreCase))
                ?? new RecipientResult(r, RecipientOutcome.Transient, NoResultReply, null));
        });
        return [.. (await Task.WhenAll(calls).ConfigureAwait(false)).SelectMany(r => r)];
    }

    /// <summary>The fields to put in front of the message (null: none), and the body to send instead of the stored one (null: the stored one).</summary>
    private sealed record Signed(byte[]? Fields, byte[]? SevenBitMessage);

    /// <summary>
    /// The fields to put in front of the message: the ARC set of a forward (RFC 8617; none without a sealer, a key of the
    /// forwarding domain or the inbound verdicts), then the DKIM-Signature field(s) (none without a signer or a key for the
    /// From domain). Each is computed over the message alone: neither covers the other's fields. A message DKIM signs is
    /// signed in its 7-bit form (RFC 6376 §5.3, <see cref="SevenBitForm"/>), which is then what goes out, so that a peer
    /// without 8BITMIME gets it unconverted and its signature intact; other messages go out as stored.
    /// </summary>
    private async Task<Signed> SignAsync(MailJob job, CancellationToken cancellationToken)
    {
        string? header = null;
        byte[]? sevenBit = null;
        if (signer is not null)
        {
            // One read of the blob serves the signature and the 7-bit check.
            using var stored = new MemoryStream();
            await using (Stream message = await blobs.OpenReadAsync(job.Blob.Id, cancellationToken).ConfigureAwait(false))
                await message.CopyToAsync(stored, cancellationToken).ConfigureAwait(false);
            stored.Position = 0;
            header = await signer.SignatureHeaderAsync(stored, cancellationToken).ConfigureAwait(false);
            if (header is not null && SevenBitForm.Convert(new ArraySegment<byte>(stored.GetBuffer(), 0, (int)stored.Length)) is { } converted)
            {
                sevenBit = converted;
                header = await signer.SignatureHeaderAsync(new MemoryStream(sevenBit, writable: false), cancellationToken).ConfigureAwait(false);
            }
        }
        string? seal = null;
        if (sealer is not null && job.ForwardedBy is { Length: > 0 } domain)
        {
            await using Stream message = sevenBit is null
                ? await blobs.OpenReadAsync(job.Blob.Id, cancellationToken).ConfigureAwait(false)
                : new MemoryStream(sevenBit, writable: false);
            seal = await sealer.SealAsync(message, domain, cancellationToken).ConfigureAwait(false);
        }
        return new Signed(seal is null && header is null ? null : Encoding.UTF8.GetBytes(seal + header), sevenBit);
    }

    private async Task<Stream> OpenAsync(MailJob job, Signed signed, CancellationToken cancellationToken)
    {
        Stream message = signed.SevenBitMessage is { } sevenBit
            ? new MemoryStream(sevenBit, writable: false)
            : await blobs.OpenReadAsync(job.Blob.Id, cancellationToken).ConfigureAwait(false);
        return signed.Fields is null ? message : new PrefixedStream(signed.Fields, message);
    }

    /// <summary>
    /// The delay DSN when due, the retry job, then the Deferred records (a crash before them repeats this run's attempt:
    /// the retry job's JobId and the notification's id are the same again).
    /// </summary>
    private async Task RetryAsync(MailJob job, List<RecipientResult> deferred, Dictionary<string, DeliveryRecord> log, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        DeliveryOptions o = options.Value;
        bool noticeDue = !job.DelayNoticeSent && o.DelayNoticeAfter > TimeSpan.Zero && now >= job.Envelope.ReceivedAt + o.DelayNoticeAfter;
        if (noticeDue) await NotifyAsync(job, DsnKind.Delayed, deferred, DsnPolicy.WantsDelay, 0, now, cancellationToken).ConfigureAwait(false);

        int attempt = job.OutboundAttempt + 1;
        IReadOnlyList<TimeSpan> schedule = o.EffectiveRetrySchedule;
        TimeSpan wait = schedule[Math.Min(attempt, schedule.Count) - 1];
        DateTimeOffset expiresAt = job.Envelope.ReceivedAt + o.Expiry;
        DateTimeOffset notBefore = now + wait < expiresAt ? now + wait : expiresAt;
        var retry = job with
        {
            JobId = RetryJobId(job.MessageId, attempt),
            Recipients = [.. deferred.Select(r => r.Recipient)],
            OutboundAttempt = attempt,
            DelayNoticeSent = job.DelayNoticeSent || noticeDue,
        };
        await queue.EnqueueAsync(QueueNames.Outbound, retry, notBefore, cancellationToken).ConfigureAwait(false);
        foreach (RecipientResult r in deferred)
        {
            await RecordAsync(job, r, DeliveryStatus.Deferred, log, now, cancellationToken, notBefore).ConfigureAwait(false);
            LogDeferred(job.MessageId, r.Recipient, r.Reply, notBefore);
        }
    }

    /// <summary>Submits the notification of <paramref name="kind"/> for those of <paramref name="results"/> whose NOTIFY <paramref name="wants"/> it.</summary>
    private async Task NotifyAsync(MailJob job, DsnKind kind, List<RecipientResult> results, Func<DsnNotify, bool> wants, int attempt,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        Envelope envelope = job.Envelope;
        if (!DsnPolicy.MayNotify(envelope.MailFrom)) return;
        List<DsnRecipient> recipients = [.. results.Where(r => wants(DsnPolicy.NotifyOf(envelope, r.Recipient)))
            .Select(r => new DsnRecipient(r.Recipient, envelope.Dsn?.For(r.Recipient)?.OriginalRecipient, r.Reply, r.RemoteHost, now))];
        if (recipients.Count == 0) return;
        string? id = await bounces.SubmitAsync(new DeliveryStatusNotification(kind, job.MessageId, job.Blob, envelope, recipients, attempt), cancellationToken)
            .ConfigureAwait(false);
        if (id is not null) LogNotified(job.MessageId, kind, id, recipients.Count);
    }

    /// <summary>
    /// Upserts the recipient's record (and so adds the try, its host and, when deferred, the next try's time to the attempt
    /// history): attempts count outbound tries (the inbound stage's Pending record counts its routing,
    /// so the first outbound try is 1 and every Deferred one before adds one).
    /// </summary>
    private Task RecordAsync(MailJob job, RecipientResult result, DeliveryStatus status, Dictionary<string, DeliveryRecord> log, DateTimeOffset now,
        CancellationToken cancellationToken, DateTimeOffset? nextAttemptAt = null)
    {
        int attempts = log.GetValueOrDefault(result.Recipient) is { Status: DeliveryStatus.Deferred } previous ? previous.Attempts + 1 : 1;
        return deliveryLog.RecordAsync(new DeliveryRecord(job.MessageId, result.Recipient, status, attempts, result.Reply, now,
            DeliveryStages.Outbound, result.RemoteHost, nextAttemptAt), cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbound ledger entry of settled job {JobId} not removed; the stuck-outbound sweep will remove it")]
    private partial void LogLedgerEntryLeft(Exception exception, string jobId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivery of {MessageId} deferred: its DKIM signing key cannot sign ({Problem})")]
    private partial void LogSigningKeyUnavailable(string messageId, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivered {MessageId} to {Recipient} via {RemoteHost}: {Reply}")]
    private partial void LogDelivered(string messageId, string recipient, string? remoteHost, string reply);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery of {MessageId} to {Recipient} failed for good ({RemoteHost}): {Reply}")]
    private partial void LogFailed(string messageId, string recipient, string? remoteHost, string reply);

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery of {MessageId} to {Recipient} deferred until {NotBefore}: {Reply}")]
    private partial void LogDeferred(string messageId, string recipient, string reply, DateTimeOffset notBefore);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sent the {Kind} notification {NotificationId} about {MessageId} for {Count} recipient(s)")]
    private partial void LogNotified(string messageId, DsnKind kind, string notificationId, int count);

    private static void CountOutcomes(int delivered, int deferred, int bounced)
    {
        if (delivered > 0) Telemetry.CloudMailTelemetry.Delivery.Add(delivered, new KeyValuePair<string, object?>("outcome", "delivered"));
        if (deferred > 0) Telemetry.CloudMailTelemetry.Delivery.Add(deferred, new KeyValuePair<string, object?>("outcome", "deferred"));
        if (bounced > 0) Telemetry.CloudMailTelemetry.Delivery.Add(bounced, new KeyValuePair<string, object?>("outcome", "bounced"));
    }
}
