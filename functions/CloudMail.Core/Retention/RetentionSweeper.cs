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
    public async Task<RetentionResult> SweepAsync(CancellationToken cancellationToken)
    {
        int quarantineDeleted = await ExpireQuarantineAsync(cancellationToken).ConfigureAwait(false);
        int expunged = await autoExpunger.SweepAsync(cancellationToken).ConfigureAwait(false);
        DateTimeOffset now = time.GetUtcNow();
        int signals = spamTraining is not null && options.SpamTraining > TimeSpan.Zero
            ? await spamTraining.ForgetSettledBeforeAsync(now - options.SpamTraining, cancellationToken).ConfigureAwait(false)
            : 0;
        int keys = options.IdempotencyKeys > TimeSpan.Zero
            ? await idempotency.ForgetClaimedBeforeAsync(now - options.IdempotencyKeys, cancellationToken).ConfigureAwait(false)
            : 0;
        int messages = options.DeliveryLog > TimeSpan.Zero
            ? await deliveryLog.ForgetSettledBeforeAsync(now - options.DeliveryLog, cancellationToken).ConfigureAwait(false)
            : 0;
        if (keys > 0 || messages > 0 || expunged > 0 || quarantineDeleted > 0 || signals > 0) LogSwept(quarantineDeleted, expunged, signals, keys, messages);
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
