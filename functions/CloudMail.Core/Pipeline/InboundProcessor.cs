using CloudMail.Core.Mailboxes.Structure;
using CloudMail.Core.Blobs;
using CloudMail.Core.Delivery;
using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Directory;
using CloudMail.Core.Events;
using CloudMail.Core.Filtering.SenderLists;
using CloudMail.Core.Mailboxes;
using CloudMail.Core.Queue;
using CloudMail.Core.Messages;
using CloudMail.Core.Quotas;
using CloudMail.Core.Routing;
using Microsoft.Extensions.Logging;

namespace CloudMail.Core.Pipeline;

/// <summary>
/// The inbound stage: routes each envelope recipient of an accepted message. Local accounts (after alias
/// expansion) get the message appended to INBOX; remote addresses are handed to the outbound queue and
/// logged as Pending, but only while <see cref="IRemoteDeliveryRoute.CanDeliverRemotely"/>. Without a route nothing is
/// enqueued for remote delivery (nothing would consume it): a recipient that only remote delivery could take is logged
/// Failed with <see cref="NoRouteReply"/>, and one that also reached local accounts is logged Delivered with a reply that
/// names the forwards not delivered (<see cref="Directory.RecipientAdmission"/> refuses the first kind at RCPT already;
/// this covers mail accepted before an alias changed). Remote recipients of an authenticated submission go into the job
/// <c>{messageId}:outbound</c> with the envelope as accepted; alias forwards to remote addresses (and bounces returning
/// through an SRS address, <see cref="Routing.SrsRewriter"/>) go into <c>{messageId}:forward</c> (one job per forwarding
/// domain, <c>{messageId}:forward:{domain}</c> when the recipients' domains differ) whose envelope sender is SRS-rewritten
/// into the forwarding (recipient's) domain, so that SPF checks this server: the null sender stays null, and a sender in
/// a local domain is not rewritten; the job names that domain (<see cref="MailJob.ForwardedBy"/>) for the ARC seal. Idempotent: the INBOX append is keyed by message id per account, the outbound jobs
/// by their JobIds, and delivery-log writes are upserts — so a redelivered job (crash after
/// appending, before completing) delivers nothing twice. Quotas (RFC 9208): an account the message would take over its
/// quota (<see cref="MailboxQuotas.AllowsAsync"/>) gets no copy, and its envelope recipient is deferred or bounced by
/// <see cref="OverQuotaDeliveryPolicy"/> instead of logged here (an alias is deferred as a whole when one of its mailboxes is
/// full; the mailboxes that took it keep it, and the retry appends once more only where it is missing: appends are keyed by
/// message id). A recipient delivered into local mailboxes only whose NOTIFY asked for SUCCESS (RFC 3461 §4.1) gets a
/// "delivered" notification to the sender (<see cref="DsnKind.Delivered"/>, one per run, its id fixed by the message and
/// the run so that a redelivered job sends it once); not for mail filed as junk, which would answer spam. An alias
/// of one remote address passes its recipient's NOTIFY and ORCPT on to the forward (RFC 3461 §6.2.7.3); a list of several
/// does not. A retry job (<see cref="MailJob.QuotaRetry"/>) only appends: its forwards went out with the first run. A message for several destinations has its recipients marked
/// Pending before the first append, which keeps <see cref="Blobs.MessageReclaimer"/> off its blob until routing is done. Run by <see cref="InboundStage"/> in both hosts.
/// </summary>
public sealed partial class InboundProcessor(
    RecipientResolver resolver,
    IMailboxIndex mailboxes,
    IMessageBlobStore blobs,
    IMailQueue queue,
    IDeliveryLog deliveryLog,
    IRemoteDeliveryRoute remoteRoute,
    SrsRewriter srs,
    MailboxChangeNotifier notifier,
    SenderListPolicy senderLists,
    TimeProvider time,
    ILogger<InboundProcessor> logger,
    MailboxQuotas? quotas = null,
    OverQuotaDeliveryPolicy? overQuota = null,
    MailEventPublisher? events = null,
    BounceSubmitter? bounces = null)
{
    /// <summary>Delivery-log reply of a recipient that only remote delivery could take while no route exists.</summary>
    public const string NoRouteReply = "550 5.7.1 not delivered: remote delivery is not available on this server";

    /// <summary>
    /// Processes one job. Never throws for job content; a missing INBOX or a lost concurrency race comes back as
    /// Transient; storage failures propagate for <see cref="StageRunner"/> to classify.
    /// </summary>
    public Task<StageOutcome> ProcessAsync(MailJob job, CancellationToken cancellationToken) =>
        ProcessInBatchAsync(job, null, cancellationToken);

    /// <summary>
    /// Processes one job, taking recipient resolutions from <paramref name="resolutions"/> when given (shared by
    /// the jobs of one batch, see <see cref="ResolutionCache"/>). Never throws for job content; storage failures
    /// propagate (see <see cref="ProcessAsync"/>).
    /// </summary>
    public async Task<StageOutcome> ProcessInBatchAsync(MailJob job, ResolutionCache? resolutions, CancellationToken cancellationToken)
    {
        try
        {
            if (!await blobs.ExistsAsync(job.Blob.Id, cancellationToken).ConfigureAwait(false))
            {
                // Routed before (a redelivery) and since expunged everywhere and reclaimed: nothing left to do.
                return await AlreadyRoutedAsync(job, cancellationToken).ConfigureAwait(false)
                    ? StageOutcome.Done
                    : new StageOutcome.Permanent($"message blob {job.Blob.Id} is missing");
            }

            bool routable = remoteRoute.CanDeliverRemotely;
            var routes = new List<(string Recipient, Resolution Resolution, bool IsRemoteRecipient)>();
            foreach (string recipient in job.EffectiveRecipients)
            {
                var resolution = await resolver.ResolveAsync(recipient, resolutions, cancellationToken).ConfigureAwait(false);
                bool isRemoteRecipient = resolution.IsEmpty && job.Envelope.AuthenticatedUser is not null
                    && !await resolver.IsLocalAddressAsync(recipient, resolutions, cancellationToken).ConfigureAwait(false);
                routes.Add((recipient, resolution, isRemoteRecipient));
            }
            if (Destinations(routes, routable) > 1) await MarkPendingAsync(job, cancellationToken).ConfigureAwait(false);

            // What earlier runs of this job (or the outbound stage) recorded: a remote address whose delivery is final
            // (Delivered or Failed) is never queued again, so a redelivered inbound job cannot deliver twice.
            // Read only when something may go out: a message for local mailboxes alone costs no extra read.
            bool remoteWork = routable && routes.Any(r => r.IsRemoteRecipient || r.Resolution.RemoteAddresses.Count > 0);
            var known = remoteWork
                ? (await deliveryLog.GetAsync(job.MessageId, cancellationToken).ConfigureAwait(false)).ToDictionary(r => r.Recipient, StringComparer.OrdinalIgnoreCase)
                : new Dictionary<string, DeliveryRecord>(StringComparer.OrdinalIgnoreCase);
            bool IsFinal(string address) => known.TryGetValue(address, out var r) && r.Status is DeliveryStatus.Delivered or DeliveryStatus.Failed;

            var direct = new List<string>();
            var forwarded = new SortedDictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
            var touched = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var overQuotaRecipients = new List<string>();
            var received = new List<string>();
            var deliveredNotices = new List<DsnRecipient>();
            var passedOn = new Dictionary<string, RecipientDsn>(StringComparer.OrdinalIgnoreCase);
            Task<string?>? structure = null; // computed once for all local copies, when there is one
            foreach ((string recipient, Resolution resolution, bool isRemoteRecipient) in routes)
            {
                bool full = false, reached = false;
                foreach (string account in resolution.LocalAccounts)
                {
                    if (!await HasRoomAsync(account, job, cancellationToken).ConfigureAwait(false))
                    {
                        full = true;
                        continue;
                    }
                    structure ??= StructureOfMessage.ComputeAsync(blobs, job.Blob.Id, cancellationToken);
                    var result = await AppendForAsync(account, job, await structure.ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                    received.Add(account);
                    reached = true;
                    if (!result.AlreadyPresent) touched.Add(account);
                    LogDelivered(job.MessageId, account, result.Uid, result.AlreadyPresent);
                    if (!result.AlreadyPresent)
                        Telemetry.CloudMailTelemetry.Routed.Add(1, new KeyValuePair<string, object?>("to", job.Envelope.Junk ? "junk" : "inbox"));
                }

                if (reached) received.Add(recipient); // the address itself too (an alias's subscription)
                List<string> forwards = job.QuotaRetry > 0 ? [] : isRemoteRecipient ? [recipient] : [.. resolution.RemoteAddresses];
                if (routable && forwards.Count > 0)
                {
                    var target = isRemoteRecipient ? direct : ForwardsOf(forwarded, MailAddresses.DomainOf(recipient));
                    foreach (string address in forwards)
                        if (!IsFinal(address) && !target.Contains(address, StringComparer.OrdinalIgnoreCase)) target.Add(address);
                    // RFC 3461 §6.2.7.3: an alias of one address passes the recipient's NOTIFY and ORCPT on to it.
                    if (!isRemoteRecipient && forwards.Count == 1 && resolution.LocalAccounts.Count == 0 && job.Envelope.Dsn?.For(recipient) is { } dsn)
                        passedOn[forwards[0]] = new RecipientDsn(forwards[0], dsn.Notify, dsn.OriginalRecipient ?? "rfc822;" + recipient);
                }
                else if (forwards.Count > 0)
                {
                    LogNoRemoteRoute(job.MessageId, recipient, forwards.Count);
                }

                // A remote recipient's own record belongs to the outbound stage once it is final.
                if (isRemoteRecipient && routable && IsFinal(recipient)) continue;
                if (full)
                {
                    overQuotaRecipients.Add(recipient); // recorded by the over-quota policy, below
                    continue;
                }
                var status = resolution.LocalAccounts.Count > 0 ? DeliveryStatus.Delivered
                    : isRemoteRecipient && routable ? DeliveryStatus.Pending
                    : forwards.Count > 0 ? (routable ? DeliveryStatus.Delivered : DeliveryStatus.Failed)
                    : DeliveryStatus.Failed;
                string reply = status switch
                {
                    DeliveryStatus.Delivered when forwards.Count > 0 && !routable =>
                        $"250 2.0.0 delivered to local mailbox; {forwards.Count} remote forward(s) not delivered: remote delivery is not available on this server",
                    // An alias's forwards have records of their own (below), which the outbound stage completes.
                    DeliveryStatus.Delivered when forwards.Count > 0 && resolution.LocalAccounts.Count > 0 =>
                        $"250 2.0.0 delivered to local mailbox; forwarded to {string.Join(", ", forwards)}",
                    DeliveryStatus.Delivered when forwards.Count > 0 => $"250 2.0.0 forwarded to {string.Join(", ", forwards)}",
                    DeliveryStatus.Delivered => "250 2.0.0 delivered to local mailbox" + FilingNote(job.Envelope),
                    DeliveryStatus.Pending => "queued for remote delivery",
                    _ when forwards.Count > 0 => NoRouteReply,
                    _ => "550 5.1.1 recipient no longer exists",
                };
                await deliveryLog.RecordAsync(new DeliveryRecord(job.MessageId, recipient, status, 1, reply, time.GetUtcNow(), DeliveryStages.Inbound), cancellationToken).ConfigureAwait(false);
                if (reached && forwards.Count == 0 && !job.Envelope.Junk && job.Envelope.Dsn?.For(recipient) is { } asked && DsnPolicy.WantsSuccess(asked.Notify))
                    deliveredNotices.Add(new DsnRecipient(recipient, asked.OriginalRecipient, "250 2.0.0 delivered to local mailbox", null, time.GetUtcNow()));
            }

            // Each forward target gets a Pending record before its job is queued: it keeps the blob from being reclaimed
            // (MessageReclaimer) until the outbound stage has delivered or bounced it, and it is what the send API shows.
            foreach (string address in forwarded.Values.SelectMany(a => a).Where(a => !known.ContainsKey(a)))
            {
                await deliveryLog.RecordAsync(new DeliveryRecord(job.MessageId, address, DeliveryStatus.Pending, 0, "queued for remote delivery (forwarded)", time.GetUtcNow(),
                    DeliveryStages.Inbound),
                    cancellationToken).ConfigureAwait(false);
            }

            if (direct.Count > 0)
            {
                var outbound = job with { JobId = job.MessageId + ":outbound", Recipients = direct };
                await queue.EnqueueAsync(QueueNames.Outbound, outbound, null, cancellationToken).ConfigureAwait(false);
            }
            foreach ((string domain, List<string> addresses) in forwarded.Where(f => f.Value.Count > 0))
            {
                string mailFrom = await ForwardSenderAsync(job.Envelope.MailFrom, domain, resolutions, cancellationToken).ConfigureAwait(false);
                string jobId = job.MessageId + (forwarded.Count == 1 ? ":forward" : ":forward:" + domain);
                var forwardEnvelope = job.Envelope with { MailFrom = mailFrom, Dsn = ForwardedDsn(job.Envelope.Dsn, addresses, passedOn) };
                var forward = job with { JobId = jobId, Recipients = addresses, Envelope = forwardEnvelope, ForwardedBy = domain.ToLowerInvariant() };
                await queue.EnqueueAsync(QueueNames.Outbound, forward, null, cancellationToken).ConfigureAwait(false);
            }
            if (overQuotaRecipients.Count > 0) await overQuota!.SettleAsync(job, overQuotaRecipients, cancellationToken).ConfigureAwait(false);
            if (bounces is not null && deliveredNotices.Count > 0)
                await bounces.SubmitAsync(new DeliveryStatusNotification(DsnKind.Delivered, job.MessageId, job.Blob, job.Envelope, deliveredNotices, job.QuotaRetry), cancellationToken)
                    .ConfigureAwait(false);
            // message.received for the subscriptions of the local addresses reached (aliases and their accounts).
            if (events is not null && received.Count > 0)
                await events.PublishReceivedAsync(job, [.. received.Distinct(StringComparer.OrdinalIgnoreCase)], cancellationToken).ConfigureAwait(false);
            foreach (string account in touched) notifier.Notify(account);
            return StageOutcome.Done;
        }
        catch (MailboxConflictException e)
        {
            // Optimistic concurrency lost to other writers more often than the index retries: try again later.
            LogTransient(e, job.MessageId);
            return new StageOutcome.Transient(TimeSpan.FromSeconds(30), e.GetType().Name + ": " + e.Message);
        }
        catch (MailboxNotFoundException e)
        {
            // INBOX missing means the account was half-created; retrying lets an admin repair it.
            LogTransient(e, job.MessageId);
            return new StageOutcome.Transient(TimeSpan.FromMinutes(5), e.Message);
        }
    }

    /// <summary>
    /// False when <paramref name="account"/>'s quota has no room for the message (and an over-quota policy is registered);
    /// true without quotas.
    /// </summary>
    private async Task<bool> HasRoomAsync(string account, MailJob job, CancellationToken cancellationToken) =>
        quotas is null || overQuota is null || await quotas.AllowsAsync(account, job.Blob.Size, 1, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// The DSN parameters of a forward job to <paramref name="addresses"/>: the message's (RET, ENVID) with the NOTIFY and
    /// ORCPT that single-address aliases pass on to their target (<paramref name="passedOn"/>); the message's own when
    /// none does.
    /// </summary>
    private static EnvelopeDsn? ForwardedDsn(EnvelopeDsn? dsn, List<string> addresses, Dictionary<string, RecipientDsn> passedOn)
    {
        List<RecipientDsn> recipients = [.. addresses.Where(passedOn.ContainsKey).Select(a => passedOn[a])];
        return dsn is null || recipients.Count == 0 ? dsn : dsn with { Recipients = recipients };
    }

    /// <summary>The forward addresses collected for recipients of <paramref name="domain"/>.</summary>
    private static List<string> ForwardsOf(SortedDictionary<string, List<string>> forwarded, string domain)
    {
        if (!forwarded.TryGetValue(domain, out var list)) forwarded[domain] = list = [];
        return list;
    }

    /// <summary>
    /// Appends the message for <paramref name="account"/>: to Junk when the inbound filters judged it spam
    /// (<see cref="Envelope.Junk"/>), the account's sender lists do not allow the sender (<see cref="SenderListPolicy"/>)
    /// and the account has a Junk mailbox, else to INBOX. Idempotent per message id.
    /// </summary>
    private async Task<AppendResult> AppendForAsync(string account, MailJob job, string? structure, CancellationToken cancellationToken)
    {
        var message = new MessageToAppend(job.Blob, job.Envelope.ReceivedAt, MessageFlags.None, [], structure);
        if (job.Envelope.Junk && !await AllowedByAsync(account, job.Envelope, cancellationToken).ConfigureAwait(false))
        {
            try
            {
                return await mailboxes.AppendAsync(account, DefaultMailboxes.Junk, message, idempotencyKey: job.MessageId, cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (MailboxNotFoundException)
            {
                // The user deleted Junk: INBOX it is.
            }
        }
        return await mailboxes.AppendAsync(account, DefaultMailboxes.Inbox, message, idempotencyKey: job.MessageId, cancellationToken)
            .ConfigureAwait(false);
    }

    private async Task<bool> AllowedByAsync(string account, Envelope envelope, CancellationToken cancellationToken) =>
        (await senderLists.DecideAsync(account, envelope.MailFrom,
            System.Net.IPAddress.TryParse(envelope.RemoteAddress, out var client) ? client : null, cancellationToken).ConfigureAwait(false))?.Kind
        == SenderListKind.Allow;

    /// <summary>
    /// What the delivery log (and so the message trace) adds to a local delivery of filtered mail: whether it
    /// was filed as junk and the filters' verdict, e.g. " (junk; spf=pass dkim=none dmarc=none; spam 6.1 (...))".
    /// </summary>
    private static string FilingNote(Envelope envelope) => envelope.Verdict is null && !envelope.Junk ? ""
        : $" ({(envelope.Junk ? "junk" : "inbox")}{(envelope.Verdict is { } v ? "; " + v : "")})";

    /// <summary>
    /// The envelope sender of mail forwarded out of <paramref name="domain"/>: SRS-rewritten (<see cref="SrsRewriter.Forward"/>)
    /// unless it is the null sender or an address of a local domain (SPF of our own domains already passes).
    /// </summary>
    private async Task<string> ForwardSenderAsync(string mailFrom, string domain, ResolutionCache? resolutions, CancellationToken cancellationToken)
    {
        if (mailFrom.Length == 0 || !srs.IsEnabled) return mailFrom;
        if (await resolver.IsLocalAddressAsync(mailFrom, resolutions, cancellationToken).ConfigureAwait(false)) return mailFrom;
        return srs.Forward(mailFrom, domain);
    }

    /// <summary>Reply recorded for recipients marked Pending before routing.</summary>
    public const string RoutingReply = "routing";

    /// <summary>Local accounts plus the outbound jobs (direct, forward): how many places the blob is about to be referenced from (at least).</summary>
    private static int Destinations(List<(string Recipient, Resolution Resolution, bool IsRemoteRecipient)> routes, bool routable) =>
        routes.SelectMany(r => r.Resolution.LocalAccounts).Distinct(StringComparer.OrdinalIgnoreCase).Count()
        + (routable && routes.Any(r => r.IsRemoteRecipient) ? 1 : 0)
        + (routable && routes.Any(r => !r.IsRemoteRecipient && r.Resolution.RemoteAddresses.Count > 0) ? 1 : 0);

    /// <summary>
    /// Before a message goes to more than one destination: every recipient without a delivery-log record is recorded
    /// <see cref="DeliveryStatus.Pending"/> (attempts 0), so that <see cref="MessageReclaimer"/> keeps the blob while
    /// some copies exist and others are still to be appended (one recipient could otherwise expunge the only copy so
    /// far, and the blob be reclaimed, before the next recipient's append). Each record becomes final after its
    /// recipient's append, below. A message for one destination needs none: nothing can reclaim it before its only append.
    /// </summary>
    private async Task MarkPendingAsync(MailJob job, CancellationToken cancellationToken)
    {
        var known = (await deliveryLog.GetAsync(job.MessageId, cancellationToken).ConfigureAwait(false))
            .Select(r => r.Recipient).ToHashSet(StringComparer.OrdinalIgnoreCase);
        DateTimeOffset now = time.GetUtcNow();
        foreach (string recipient in job.EffectiveRecipients.Distinct(StringComparer.OrdinalIgnoreCase).Where(r => !known.Contains(r)))
        {
            await deliveryLog.RecordAsync(new DeliveryRecord(job.MessageId, recipient, DeliveryStatus.Pending, 0, RoutingReply, now, DeliveryStages.Inbound), cancellationToken)
                .ConfigureAwait(false);
        }
    }

    /// <summary>True when every recipient of the job already has a delivery attempt recorded.</summary>
    private async Task<bool> AlreadyRoutedAsync(MailJob job, CancellationToken cancellationToken)
    {
        var routed = (await deliveryLog.GetAsync(job.MessageId, cancellationToken).ConfigureAwait(false))
            .Where(r => r.Attempts > 0).Select(r => r.Recipient).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return job.EffectiveRecipients.All(routed.Contains);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivered {MessageId} to {Account} as UID {Uid} (already present: {AlreadyPresent})")]
    private partial void LogDelivered(string messageId, string account, uint uid, bool alreadyPresent);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Not delivered: {MessageId} for {Recipient} has {Count} remote address(es) and no remote delivery route exists")]
    private partial void LogNoRemoteRoute(string messageId, string recipient, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Inbound processing of {MessageId} failed transiently")]
    private partial void LogTransient(Exception exception, string messageId);
}
