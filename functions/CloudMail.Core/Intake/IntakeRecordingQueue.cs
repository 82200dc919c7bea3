using CloudMail.Core.Queue;
using Microsoft.Extensions.Logging;

namespace CloudMail.Core.Intake;

/// <summary>
/// Decorates the mail queue of a host that accepts mail: before an intake job (queue <see cref="QueueNames.Inbound"/>,
/// JobId = MessageId, as <see cref="MessageIntake"/> and the send API enqueue it) is enqueued, its
/// <see cref="IntakeMarker"/> (<see cref="MarkerOf"/>) is written to the <see cref="IIntakeOutbox"/>. Every other call
/// passes through. When the inner queue commits a message's blob and job jointly (<see cref="IJointBlobQueue"/>), so does
/// this decorator, recording the marker concurrently (<see cref="EnqueueWithBlobAsync"/>).
/// Producer side only (<see cref="IMailQueue"/>): hosts that consume their queue themselves take the backend's
/// <see cref="ILeasedMailQueue"/>, undecorated.
/// </summary>
/// <remarks>
/// <para>
/// The marker is recorded at the envelope's acceptance time, <see cref="Messages.Envelope.ReceivedAt"/> (which SMTP and
/// the send API set just before they enqueue), not at the clock's time: then whoever holds the job — the inbound stage
/// once it has routed the message — can rebuild the marker's key (message id, <see cref="IntakeMarker.RecordedAt"/>) from
/// the job alone and remove the marker at once (<see cref="MarkerOf"/>), instead of leaving every marker to the sweep.
/// An envelope without an acceptance time (<c>default</c>) gets the clock's time instead; its marker is then left to
/// the sweep.
/// </para>
/// <para>
/// When the enqueue itself fails the marker is removed again (best effort) and the exception propagates: the caller
/// then tells the client the message was not accepted (SMTP 451, HTTP 503) and the client retries with a new message,
/// so the sweeper must not deliver this one as well. If removing fails too, the sweeper may later deliver it: a
/// duplicate, never a loss.
/// </para>
/// </remarks>
public sealed partial class IntakeRecordingQueue(IMailQueue inner, IIntakeOutbox outbox, TimeProvider time, ILogger<IntakeRecordingQueue> logger) : IJointBlobQueue
{
    /// <summary>True for the job the accept path enqueues (not retries, not outbound jobs).</summary>
    public static bool IsIntakeJob(string queue, MailJob job) =>
        queue == QueueNames.Inbound && string.Equals(job.JobId, job.MessageId, StringComparison.Ordinal);

    /// <summary>
    /// The marker this decorator records for intake job <paramref name="job"/>: recorded at
    /// <c>job.Envelope.ReceivedAt</c>, no requeues. Also what the inbound stage's host passes to
    /// <see cref="IIntakeOutbox.RemoveAsync"/> once the job is routed: any job of the message carries the same envelope
    /// (retry copies and the sweeper's requeues carry the job unchanged), so it names the marker written at acceptance.
    /// A marker the sweeper rewrote (later <see cref="IntakeMarker.RecordedAt"/>) is not matched and stays for the sweep.
    /// </summary>
    public static IntakeMarker MarkerOf(MailJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return new IntakeMarker(job, job.Envelope.ReceivedAt, 0);
    }

    public async Task EnqueueAsync(string queue, MailJob job, DateTimeOffset? notBefore, CancellationToken cancellationToken)
    {
        if (!IsIntakeJob(queue, job))
        {
            await inner.EnqueueAsync(queue, job, notBefore, cancellationToken).ConfigureAwait(false);
            return;
        }
        var marker = job.Envelope.ReceivedAt == default ? new IntakeMarker(job, time.GetUtcNow(), 0) : MarkerOf(job);
        await outbox.RecordAsync(marker, cancellationToken).ConfigureAwait(false);
        try
        {
            await inner.EnqueueAsync(queue, job, notBefore, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await RemoveQuietlyAsync(marker).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The inner queue's answer when it commits blobs jointly (<see cref="IJointBlobQueue"/>), else null.</summary>
    public Blobs.BlobRef? TryPrepare(Blobs.IBlobWriter writer) => (inner as IJointBlobQueue)?.TryPrepare(writer);

    /// <summary>
    /// The inner queue's joint commit; for an intake job its marker is recorded at the same time (both awaited before
    /// this returns), not before: the blob and the job are one commit, so every state a crash can leave is safe — the
    /// marker alone (no blob: the sweep drops it; no 250 was sent), blob and job without the marker (delivered as
    /// usual, only without the sweep's insurance), or all three. When the joint commit fails the marker is removed
    /// again (best effort, as in <see cref="EnqueueAsync"/>) and the exception propagates. When only the marker fails
    /// the message is still accepted — blob and job are durable — and the missing marker is logged.
    /// </summary>
    public async Task<bool> EnqueueWithBlobAsync(string queue, MailJob job, Blobs.IBlobWriter writer, string? removeBlobId, CancellationToken cancellationToken)
    {
        var joint = inner as IJointBlobQueue ?? throw new InvalidOperationException("The inner queue does not commit blobs jointly (TryPrepare returned null).");
        if (!IsIntakeJob(queue, job)) return await joint.EnqueueWithBlobAsync(queue, job, writer, removeBlobId, cancellationToken).ConfigureAwait(false);
        var marker = job.Envelope.ReceivedAt == default ? new IntakeMarker(job, time.GetUtcNow(), 0) : MarkerOf(job);
        Task recorded = outbox.RecordAsync(marker, cancellationToken);
        Task<bool> committed = joint.EnqueueWithBlobAsync(queue, job, writer, removeBlobId, cancellationToken);
        try
        {
            await Task.WhenAll(recorded, committed).ConfigureAwait(false);
        }
        catch when (committed.IsCompletedSuccessfully)
        {
            // Only the marker failed: the message is durable (accepted); it just has no stuck-intake insurance.
            LogMarkerNotRecorded(recorded.Exception?.InnerException?.GetType().Name ?? "canceled", job.MessageId);
        }
        catch
        {
            if (recorded.IsCompletedSuccessfully) await RemoveQuietlyAsync(marker).ConfigureAwait(false);
            throw;
        }
        return committed.Result;
    }

    private async Task RemoveQuietlyAsync(IntakeMarker marker)
    {
        try
        {
            await outbox.RemoveAsync(marker, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Logged, not thrown: the enqueue failure, rethrown by the caller, is what the client must see; a leftover
            // marker costs at most a duplicate (see remarks). Any type: storage SDKs throw their own exception types.
            LogMarkerLeft(e.GetType().Name, marker.Job.MessageId);
        }
    }

    /// <remarks>Names the exception's type only: a storage SDK's message may quote connection details.</remarks>
    [LoggerMessage(Level = LogLevel.Warning, Message = "Intake marker of {MessageId} not removed after its enqueue failed ({ErrorType}); the stuck-intake sweep may deliver it once")]
    private partial void LogMarkerLeft(string errorType, string messageId);

    /// <remarks>Names the exception's type only, as <see cref="LogMarkerLeft"/>.</remarks>
    [LoggerMessage(Level = LogLevel.Warning, Message = "Intake marker of accepted message {MessageId} not recorded ({ErrorType}); the stuck-intake sweep will not cover it")]
    private partial void LogMarkerNotRecorded(string errorType, string messageId);
}
