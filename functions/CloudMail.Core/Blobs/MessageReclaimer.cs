using CloudMail.Core.Delivery;
using CloudMail.Core.DeliveryLog;
using Microsoft.Extensions.Logging;

namespace CloudMail.Core.Blobs;

/// <summary>
/// Deletes message bytes once nothing refers to them any more. One blob is shared by every local recipient's copy and
/// by IMAP COPY, so the mailbox index records a reclaim candidate for the blob of every message it removes (EXPUNGE,
/// UID EXPUNGE, MOVE, CLOSE, POP3 DELE+QUIT, DELETE of a mailbox, removal of a user; see
/// <see cref="IMessageReferences"/>), and each pass examines the due candidates:
/// <list type="number">
/// <item>the pipeline may still need the message — its delivery log has a recipient <see cref="DeliveryStatus.Pending"/>
/// (not routed yet, or queued for remote delivery) or <see cref="DeliveryStatus.Deferred"/> (remote delivery retrying) →
/// kept, and examined again after <see cref="ReclaimLimits.RecheckHeldAfter"/>;</item>
/// <item>a mailbox of any account still refers to it → kept, candidate dropped (the next removal records a new one);</item>
/// <item>otherwise → the blob is deleted (embedded: its row or file; Azure: the Blob), then the candidate.</item>
/// </list>
/// Run by the embedded host after expunges and on an interval, and by a Functions timer in Azure.
/// </summary>
/// <remarks>
/// <para>Why candidates and a reference check rather than a reference count: a count would have to change in the same
/// transaction as the message rows, but on Azure the copies of one message live in different accounts' partitions,
/// and Table storage has no cross-partition transactions, so a crash between the two writes would leave the count wrong
/// for good (too high: a leak; too low: mail deleted while still in a mailbox). A candidate instead is only a hint to
/// look again: it is written no later than the removal (in the same transaction embedded; before it on Azure, where a
/// crash can only leave a spare one), and the decision is always taken from the references themselves, which each
/// backend reads consistently (embedded: one SQLite read; Azure: each account that ever received the blob, scanned
/// with its mailbox rows' ETags unchanged before and after). Every step is idempotent, and the blob is deleted before
/// its bookkeeping, so a pass interrupted anywhere is simply repeated. A full mark-and-sweep of all blobs was the
/// other option; it needs no write-path bookkeeping but reads every mailbox of every account on each sweep and
/// would keep expunged mail for a whole sweep period.</para>
/// <para>Why the delivery log is read first: new references to a blob only appear through COPY (within an account that
/// already refers to it) or through the inbound stage appending it to further accounts. The inbound stage marks every
/// recipient <see cref="DeliveryStatus.Pending"/> before it delivers a message to more than one destination, and
/// records each as delivered only after its append; so if the log shows nothing pending, every append of the
/// message has already happened, and the reference check that follows sees it.</para>
/// <para>What stays: messages the pipeline never delivered anywhere (all recipients failed) and messages whose remote
/// delivery is still pending are not reclaimed here. On Azure the storage account's blob soft delete (infra: 7 days)
/// keeps a deleted message recoverable for that long before the service purges it.</para>
/// </remarks>
public sealed partial class MessageReclaimer(
    IMessageReferences references,
    IDeliveryLog deliveryLog,
    IMessageBlobStore blobs,
    TimeProvider time,
    ILogger<MessageReclaimer> logger)
{
    /// <summary>
    /// Candidates examined at the same time. Each examination is a chain of waits (a read, then up to three durable writes,
    /// each a group commit of SQLite or an HTTP request to Azure Storage); candidates are independent and every step is
    /// idempotent, so examining several at once lets their writes share commits and their requests overlap.
    /// </summary>
    public const int ConcurrentExaminations = 8;

    /// <summary>
    /// One pass over at most <paramref name="limits"/>.MaxCandidates due candidates, <see cref="ConcurrentExaminations"/>
    /// at a time. A candidate whose examination fails (storage error, an account changing throughout the Azure scan) is
    /// logged and examined again after RecheckHeldAfter, so one bad candidate never blocks the others; failures to list
    /// candidates propagate.
    /// </summary>
    public async Task<ReclaimResult> ReclaimAsync(ReclaimLimits limits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(limits);
        DateTimeOffset now = time.GetUtcNow();
        IReadOnlyList<ReclaimCandidate> due = await references.ListDueCandidatesAsync(now, limits.MaxCandidates, cancellationToken).ConfigureAwait(false);
        int reclaimed = 0, referenced = 0, held = 0, failed = 0;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = ConcurrentExaminations, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(due, parallel, async (candidate, token) =>
        {
            try
            {
                Decision decision = await ExamineAsync(candidate, now + limits.RecheckHeldAfter, token).ConfigureAwait(false);
                if (decision == Decision.Reclaimed) Interlocked.Increment(ref reclaimed);
                else if (decision == Decision.Referenced) Interlocked.Increment(ref referenced);
                else Interlocked.Increment(ref held);
            }
            catch (Exception e) when (e is not OperationCanceledException || !token.IsCancellationRequested)
            {
                LogFailed(e, candidate.BlobId);
                await PostponeQuietlyAsync(candidate, now + limits.RecheckHeldAfter, token).ConfigureAwait(false);
                Interlocked.Increment(ref failed);
            }
        }).ConfigureAwait(false);
        return new ReclaimResult(due.Count, reclaimed, referenced, held, failed);
    }

    private async Task<Decision> ExamineAsync(ReclaimCandidate candidate, DateTimeOffset recheckAt, CancellationToken cancellationToken)
    {
        string blobId = candidate.BlobId;
        // The delivery log first: see the remarks for why this order makes the reference check below complete.
        IReadOnlyList<DeliveryRecord> log = await deliveryLog.GetAsync(blobId, cancellationToken).ConfigureAwait(false);
        if (log.Any(r => r.Status is DeliveryStatus.Pending or DeliveryStatus.Deferred))
        {
            await PostponeAsync(candidate, recheckAt, cancellationToken).ConfigureAwait(false);
            return Decision.Held;
        }
        if (await references.IsReferencedAsync(blobId, cancellationToken).ConfigureAwait(false))
        {
            await references.RemoveCandidateAsync(candidate, cancellationToken).ConfigureAwait(false);
            return Decision.Referenced;
        }
        await blobs.DeleteAsync(blobId, cancellationToken).ConfigureAwait(false);
        await references.ForgetAsync(blobId, cancellationToken).ConfigureAwait(false);
        await references.RemoveCandidateAsync(candidate, cancellationToken).ConfigureAwait(false);
        LogReclaimed(blobId);
        return Decision.Reclaimed;
    }

    /// <summary>Records the blob again for later, then drops the listed candidate (a crash between leaves both: harmless).</summary>
    private async Task PostponeAsync(ReclaimCandidate candidate, DateTimeOffset recheckAt, CancellationToken cancellationToken)
    {
        await references.AddCandidateAsync(candidate.BlobId, recheckAt, cancellationToken).ConfigureAwait(false);
        await references.RemoveCandidateAsync(candidate, cancellationToken).ConfigureAwait(false);
    }

    private async Task PostponeQuietlyAsync(ReclaimCandidate candidate, DateTimeOffset recheckAt, CancellationToken cancellationToken)
    {
        try
        {
            await PostponeAsync(candidate, recheckAt, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The candidate stays due as it was: the next pass examines it again.
            LogPostponeFailed(e, candidate.BlobId);
        }
    }

    private enum Decision
    {
        Held,
        Referenced,
        Reclaimed,
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Reclaimed message blob {BlobId}: no mailbox refers to it any more")]
    private partial void LogReclaimed(string blobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Examining message blob {BlobId} for reclaim failed; it is examined again later")]
    private partial void LogFailed(Exception exception, string blobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Postponing the reclaim candidate {BlobId} failed; the next pass examines it again")]
    private partial void LogPostponeFailed(Exception exception, string blobId);
}

/// <summary>Bounds of one reclaim pass.</summary>
/// <param name="MaxCandidates">Most candidates examined per pass (at least 1).</param>
/// <param name="RecheckHeldAfter">How long a candidate the pipeline still holds (or whose examination failed) waits before it is examined again.</param>
public sealed record ReclaimLimits(int MaxCandidates, TimeSpan RecheckHeldAfter)
{
    /// <summary>500 candidates per pass; held ones examined again after 15 minutes.</summary>
    public static ReclaimLimits Default { get; } = new(500, TimeSpan.FromMinutes(15));
}

/// <summary>What one reclaim pass did.</summary>
/// <param name="Examined">Due candidates listed.</param>
/// <param name="Reclaimed">Blobs deleted.</param>
/// <param name="Referenced">Candidates dropped because a mailbox still refers to the blob.</param>
/// <param name="Held">Candidates postponed because the pipeline still holds the message.</param>
/// <param name="Failed">Candidates whose examination failed (postponed).</param>
public sealed record ReclaimResult(int Examined, int Reclaimed, int Referenced, int Held, int Failed);
