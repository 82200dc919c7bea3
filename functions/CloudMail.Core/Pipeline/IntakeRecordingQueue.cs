using CloudMail.Core.Queue;

namespace CloudMail.Core.Pipeline;

/// <summary>
/// Decorates the mail queue of a host that accepts mail: before an intake job (queue <see cref="QueueNames.Inbound"/>,
/// JobId = MessageId, as <see cref="MessageIntake"/> and the send API enqueue it) is enqueued, its
/// <see cref="IntakeMarker"/> is written to the <see cref="IIntakeLedger"/>. Every other call passes through.
/// </summary>
/// <remarks>
/// When the enqueue itself fails the marker is removed again (best effort) and the exception propagates: the caller
/// then tells the client the message was not accepted (SMTP 451, HTTP 503) and the client retries with a new message,
/// so the sweeper must not deliver this one as well. If removing fails too, the sweeper may later deliver it: a
/// duplicate, never a loss.
/// </remarks>
public sealed class IntakeRecordingQueue(IMailQueue inner, IIntakeLedger ledger, TimeProvider time) : IMailQueue
{
    /// <summary>True for the job the accept path enqueues (not retries, not outbound jobs).</summary>
    public static bool IsIntakeJob(string queue, MailJob job) =>
        queue == QueueNames.Inbound && string.Equals(job.JobId, job.MessageId, StringComparison.Ordinal);

    public async Task EnqueueAsync(string queue, MailJob job, DateTimeOffset? notBefore, CancellationToken cancellationToken)
    {
        if (!IsIntakeJob(queue, job))
        {
            await inner.EnqueueAsync(queue, job, notBefore, cancellationToken).ConfigureAwait(false);
            return;
        }
        var marker = new IntakeMarker(job, time.GetUtcNow(), 0);
        await ledger.RecordAsync(marker, cancellationToken).ConfigureAwait(false);
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

    private async Task RemoveQuietlyAsync(IntakeMarker marker)
    {
        try
        {
            await ledger.RemoveAsync(marker, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Deliberately swallowed: the enqueue failure, rethrown by the caller, is what the client must see; a
            // leftover marker costs at most a duplicate (see remarks). Storage SDKs throw their own exception types.
        }
    }

    public Task<IReadOnlyList<LeasedJob>> LeaseAsync(string queue, int maxJobs, TimeSpan leaseDuration, CancellationToken cancellationToken) =>
        inner.LeaseAsync(queue, maxJobs, leaseDuration, cancellationToken);

    public Task<bool> CompleteAsync(string queue, LeasedJob job, CancellationToken cancellationToken) =>
        inner.CompleteAsync(queue, job, cancellationToken);

    public Task<bool> RetryAsync(string queue, LeasedJob job, TimeSpan retryAfter, string reason, CancellationToken cancellationToken) =>
        inner.RetryAsync(queue, job, retryAfter, reason, cancellationToken);

    public Task<bool> DeadLetterAsync(string queue, LeasedJob job, string reason, CancellationToken cancellationToken) =>
        inner.DeadLetterAsync(queue, job, reason, cancellationToken);

    public Task<int> CountAsync(string queue, CancellationToken cancellationToken) => inner.CountAsync(queue, cancellationToken);

    public Task<IReadOnlyList<DeadLetteredJob>> ListDeadLettersAsync(string queue, int max, CancellationToken cancellationToken) =>
        inner.ListDeadLettersAsync(queue, max, cancellationToken);
}
