using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Filtering.Training;
using CloudMail.Core.Quarantine;
using CloudMail.Core.SendApi;
using Microsoft.Extensions.Logging;

namespace CloudMail.Core.Retention;

/// <summary>What one <see cref="RetentionSweeper.SweepAsync"/> removed, in the order it removes them.</summary>
public sealed record RetentionResult(int QuarantineDeleted, int ExpungedMessages, int SpamTrainingSignals, int IdempotencyKeys, int DeliveryLogMessages);

/// <summary>
/// Applies <see cref="RetentionOptions"/>, in this order: deletes what sat in the virus quarantine too long (where the
/// host has one; its recipients are then logged failed, so the log below forgets them a retention later), expunges old
/// mail from Junk and Trash (<see cref="MailboxAutoExpunger"/>), forgets spam-training signals done with (where the host
/// keeps them), the send API's idempotency records, then the delivery log of settled messages. Keys go before logs, so a key is never on record while its message's log is gone
/// (<see cref="RetentionOptions.IdempotencyKeys"/> is at most <see cref="RetentionOptions.DeliveryLog"/>). Storage
/// failures propagate (the caller logs them and the next sweep tries again; what was removed stays removed).
/// </summary>
public sealed partial class RetentionSweeper(IDeliveryLog deliveryLog, IIdempotencyStore idempotency, MailboxAutoExpunger autoExpunger,
    RetentionOptions options, TimeProvider time, ILogger<RetentionSweeper> logger, QuarantineAdministration? quarantine = null,
    ISpamTrainingStore? spamTraining = null)
{
    /// <summary>Whether this sweeper forgets spam-training signals (not in the Functions app, which has no access to their table).</summary>
    public bool PrunesSpamTraining => spamTraining is not null;

    /// <summary>
    /// Runs every step, each on its own: a step that fails (a storage outage, a table this identity may not touch) does
    /// not keep the later ones from running; its exception is thrown at the end, with any other, as an
    /// <see cref="AggregateException"/>.
    /// </summary>
    public async Task<RetentionResult> SweepAsync(CancellationToken cancellationToken)
    {
        var failures = new List<Exception>();
        async Task<int> StepAsync(Func<Task<int>> step)
        {
            try
            {
                return await step().ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                failures.Add(e);
                return 0;
            }
        }

        int quarantineDeleted = await StepAsync(() => ExpireQuarantineAsync(cancellationToken)).ConfigureAwait(false);
        int expunged = await StepAsync(() => autoExpunger.SweepAsync(cancellationToken)).ConfigureAwait(false);
        DateTimeOffset now = time.GetUtcNow();
        int signals = spamTraining is not null && options.SpamTraining > TimeSpan.Zero
            ? await StepAsync(() => spamTraining.ForgetSettledBeforeAsync(now - options.SpamTraining, cancellationToken)).ConfigureAwait(false)
            : 0;
        int failedBefore = failures.Count;
        int keys = options.IdempotencyKeys > TimeSpan.Zero
            ? await StepAsync(() => idempotency.ForgetClaimedBeforeAsync(now - options.IdempotencyKeys, cancellationToken)).ConfigureAwait(false)
            : 0;
        // A key that could not be forgotten must not outlive its message's log: no log step after a failed key step.
        int messages = options.DeliveryLog > TimeSpan.Zero && failures.Count == failedBefore
            ? await StepAsync(() => deliveryLog.ForgetSettledBeforeAsync(now - options.DeliveryLog, cancellationToken)).ConfigureAwait(false)
            : 0;
        if (keys > 0 || messages > 0 || expunged > 0 || quarantineDeleted > 0 || signals > 0) LogSwept(quarantineDeleted, expunged, signals, keys, messages);
        if (failures.Count > 0) throw new AggregateException("Retention sweep steps failed; the next sweep tries them again", failures);
        return new RetentionResult(quarantineDeleted, expunged, signals, keys, messages);
    }

    /// <summary>Deletes the quarantined messages older than <see cref="RetentionOptions.Quarantine"/>; returns how many.</summary>
    private async Task<int> ExpireQuarantineAsync(CancellationToken cancellationToken)
    {
        if (quarantine is null || options.Quarantine <= TimeSpan.Zero) return 0;
        DateTimeOffset cutoff = time.GetUtcNow() - options.Quarantine;
        int deleted = 0;
        foreach (QuarantineEntry entry in await quarantine.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            if (entry.QuarantinedAt < cutoff && await quarantine.DeleteAsync(entry.MessageId, cancellationToken).ConfigureAwait(false)) deleted++;
        }
        return deleted;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: deleted {Quarantined} expired quarantined messages, expunged {Expunged} old messages from Junk and Trash, forgot {Signals} spam-training signals, {Keys} idempotency keys and the delivery log of {Messages} settled messages")]
    private partial void LogSwept(int quarantined, int expunged, int signals, int keys, int messages);
}
