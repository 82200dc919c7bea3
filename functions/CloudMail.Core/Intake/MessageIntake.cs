using CloudMail.Core.Blobs;
using CloudMail.Core.Filtering;
using CloudMail.Core.Messages;
using CloudMail.Core.Pipeline;
using CloudMail.Core.Queue;

namespace CloudMail.Core.Intake;

/// <summary>
/// The accept path shared by SMTP and the HTTP send API: stream the body into the blob store, then
/// commit the blob and enqueue the inbound job. Only when <see cref="CommitAsync"/> returns may the
/// caller tell the client the message is accepted (SMTP 250): the bytes are fsynced and the job is durable.
/// With an <see cref="IInboundFilter"/> registered, mail from unauthenticated clients is checked before that
/// (<see cref="CommitCheckedAsync"/>): it is first held in memory (<see cref="StagingWriter"/>: up to
/// <see cref="StagingWriter.MemoryLimit"/> bytes) or, when larger, stored as a staging blob (<see cref="StagingSuffix"/>), checked, and
/// either refused (nothing stored; a staging blob deleted) or copied into the message's own blob with the filter's header fields on top
/// and forged ones left out. The copy is what makes one header per message possible on a write-once blob shared by
/// every recipient; a crash before the copy leaves only a staging blob and no 250 (garbage, never a lost message).
/// Authenticated submissions are checked by the <see cref="SubmissionFilter"/> (the virus scan) after their blob is
/// committed and before the job is queued: a refused one is deleted and never queued. A message accepted without its
/// scan (<see cref="InboundVerdict.ScanLater"/>) is queued with <see cref="Envelope.ScanPending"/>: the inbound stage
/// scans it before delivery.
/// </summary>
public sealed class MessageIntake(IMessageBlobStore blobs, IMailQueue queue, PipelineSignal? signal = null, IInboundFilter? filter = null,
    SubmissionFilter? submissions = null)
{
    /// <summary>The filter in force; <see cref="NoInboundFilter"/> (filtering switched off) counts as none: no staging, no copy.</summary>
    private readonly IInboundFilter? _filter = filter is NoInboundFilter ? null : filter;

    /// <summary>Ends the id of the blob an unauthenticated client's message is received into, until it is checked.</summary>
    public const string StagingSuffix = ".unchecked";

    /// <summary>Starts a new message: returns its id and an uncommitted blob writer (dispose it to abandon).</summary>
    public (string MessageId, IBlobWriter Writer) Begin() => Begin(authenticated: true);

    /// <summary>
    /// Starts a new message; for an unauthenticated client (<paramref name="authenticated"/> false) with a filter
    /// registered, the writer stores a staging blob that <see cref="CommitCheckedAsync"/> checks.
    /// </summary>
    public (string MessageId, IBlobWriter Writer) Begin(bool authenticated)
    {
        string id = MessageIds.New();
        if (authenticated || _filter is null) return (id, blobs.CreateWriter(id));
        return (id, new StagingWriter(() => blobs.CreateWriter(id + StagingSuffix)));
    }

    /// <summary>
    /// As <see cref="CommitAsync"/>, after the check of a staging blob (see the class): returns null when the message was
    /// accepted (blob and job durable), or the SMTP reply refusing it (nothing stored). Throws what the store, the queue
    /// or the filter throws; then nothing was accepted.
    /// </summary>
    public async Task<InboundRejection?> CommitCheckedAsync(string messageId, IBlobWriter writer, Envelope envelope, CancellationToken cancellationToken)
    {
        bool scanSubmission = envelope.AuthenticatedUser is not null && submissions?.Check is not null;
        if (!scanSubmission && Joint?.TryPrepare(writer) is { } prepared && prepared.Id == messageId)
        {
            // Nothing to check before the job: blob and job in one durable commit.
            await EnqueueAsync(messageId, prepared, envelope, writer, null, cancellationToken).ConfigureAwait(false);
            return null;
        }
        if (_filter is not null && writer is StagingWriter { Held: { } held })
        {
            // Small enough to have been held in memory: checked from there, and only the filtered copy is stored.
            return await CheckAndCopyAsync(messageId, envelope, _ => Task.FromResult<Stream>(new MemoryStream(held.Array!, held.Offset, held.Count, writable: false)),
                null, cancellationToken).ConfigureAwait(false);
        }
        BlobRef staged = await writer.CommitAsync(cancellationToken).ConfigureAwait(false);
        if (_filter is null || staged.Id == messageId)
        {
            if (envelope.AuthenticatedUser is not null && submissions?.Check is { } check)
            {
                var scanned = await check.CheckAsync(envelope, ct => blobs.OpenReadAsync(staged.Id, ct), cancellationToken).ConfigureAwait(false);
                if (scanned.Reject is not null)
                {
                    Telemetry.CloudMailTelemetry.Rejected.Add(1, new KeyValuePair<string, object?>("reason", "filter"));
                    await blobs.DeleteAsync(staged.Id, cancellationToken).ConfigureAwait(false);
                    return scanned.Reject;
                }
                if (scanned.ScanLater) envelope = envelope with { ScanPending = true };
            }
            await EnqueueAsync(messageId, staged, envelope, cancellationToken).ConfigureAwait(false);
            return null;
        }
        return await CheckAndCopyAsync(messageId, envelope, ct => blobs.OpenReadAsync(staged.Id, ct), staged.Id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The filter's check of the message <paramref name="open"/> reads, then its refusal (the staging blob
    /// <paramref name="stagedId"/>, when there is one, deleted) or the copy with the filter's header fields committed with
    /// its job (the staging blob removed).
    /// </summary>
    private async Task<InboundRejection?> CheckAndCopyAsync(string messageId, Envelope envelope, Func<CancellationToken, Task<Stream>> open,
        string? stagedId, CancellationToken cancellationToken)
    {
        var verdict = await _filter!.CheckAsync(envelope, open, cancellationToken).ConfigureAwait(false);
        if (verdict.Reject is not null)
        {
            Telemetry.CloudMailTelemetry.Rejected.Add(1, new KeyValuePair<string, object?>("reason", "filter"));
            if (stagedId is not null) await blobs.DeleteAsync(stagedId, cancellationToken).ConfigureAwait(false);
            return verdict.Reject;
        }
        envelope = envelope with
        {
            Junk = verdict.Junk,
            Verdict = ReferenceEquals(verdict, InboundVerdict.Accept) ? null : Bounded(verdict.Summary),
            ScanPending = verdict.ScanLater,
        };
        bool stagingRemoved;
        await using (var final = blobs.CreateWriter(messageId))
        {
            await using (var source = await open(cancellationToken).ConfigureAwait(false))
            {
                await HeaderRewrite.CopyAsync(source, final.WriteAsync, verdict.HeaderFields, verdict.RemoveField, cancellationToken).ConfigureAwait(false);
            }
            if (Joint?.TryPrepare(final) is { } copy)
            {
                // The copy, its job and the removal of the staging blob: one durable commit.
                (_, stagingRemoved) = await EnqueueAsync(messageId, copy, envelope, final, stagedId, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                BlobRef blob = await final.CommitAsync(cancellationToken).ConfigureAwait(false);
                await EnqueueAsync(messageId, blob, envelope, cancellationToken).ConfigureAwait(false);
                stagingRemoved = stagedId is null;
            }
        }
        if (stagingRemoved || stagedId is null) return null;
        try
        {
            await blobs.DeleteAsync(stagedId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The message is accepted (blob and job durable): a staging blob left behind is garbage, not a reason for 451.
        }
        return null;
    }

    /// <summary>
    /// Commits the blob, then enqueues <c>{messageId, blobRef, envelope}</c> on <see cref="QueueNames.Inbound"/> (in one
    /// commit when the queue can: <see cref="IJointBlobQueue"/>).
    /// Throws whatever the store or queue throws; then nothing was accepted (a committed blob without a job
    /// is garbage, never a lost message, because the client got no 250).
    /// </summary>
    public async Task<MailJob> CommitAsync(string messageId, IBlobWriter writer, Envelope envelope, CancellationToken cancellationToken)
    {
        if (Joint?.TryPrepare(writer) is { } prepared)
            return (await EnqueueAsync(messageId, prepared, envelope, writer, null, cancellationToken).ConfigureAwait(false)).Job;
        BlobRef blob = await writer.CommitAsync(cancellationToken).ConfigureAwait(false);
        return await EnqueueAsync(messageId, blob, envelope, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The queue as a joint blob-and-job committer, when it is one.</summary>
    private IJointBlobQueue? Joint => queue as IJointBlobQueue;

    private async Task<MailJob> EnqueueAsync(string messageId, BlobRef blob, Envelope envelope, CancellationToken cancellationToken) =>
        (await EnqueueAsync(messageId, blob, envelope, null, null, cancellationToken).ConfigureAwait(false)).Job;

    /// <summary>
    /// Enqueues the inbound job of <paramref name="blob"/>; with <paramref name="jointWriter"/> (prepared by <see cref="Joint"/>)
    /// the blob is committed in the same commit, and <paramref name="removeBlobId"/> removed there when the queue can
    /// (<c>StagingRemoved</c>).
    /// </summary>
    private async Task<(MailJob Job, bool StagingRemoved)> EnqueueAsync(string messageId, BlobRef blob, Envelope envelope, IBlobWriter? jointWriter,
        string? removeBlobId, CancellationToken cancellationToken)
    {
        using var span = Telemetry.CloudMailTelemetry.Source.StartActivity("smtp.accept", System.Diagnostics.ActivityKind.Server);
        span?.SetTag("cloudmail.message_id", messageId);
        var job = new MailJob(messageId, messageId, blob, envelope, TraceParent: Telemetry.CloudMailTelemetry.TraceParentOf(span));
        bool removed = false;
        if (jointWriter is null) await queue.EnqueueAsync(QueueNames.Inbound, job, null, cancellationToken).ConfigureAwait(false);
        else removed = await Joint!.EnqueueWithBlobAsync(QueueNames.Inbound, job, jointWriter, removeBlobId, cancellationToken).ConfigureAwait(false);
        signal?.Pulse();
        Telemetry.CloudMailTelemetry.Accepted.Add(1, new KeyValuePair<string, object?>("via", "smtp"));
        return (job, removed);
    }

    /// <summary>The verdict's summary as the delivery log keeps it: one line of at most 300 characters.</summary>
    private static string? Bounded(string summary)
    {
        if (string.IsNullOrWhiteSpace(summary)) return null;
        string line = summary.ReplaceLineEndings(" ");
        return line.Length <= 300 ? line : line[..297] + "...";
    }
}
