using CloudMail.Core.DeliveryLog;
using CloudMail.Core.SendApi;
using Microsoft.Extensions.Logging;

namespace CloudMail.Core.Retention;

/// <summary>What one <see cref="RetentionSweeper.SweepAsync"/> removed.</summary>
public sealed record RetentionResult(int IdempotencyKeys, int DeliveryLogMessages, int ExpungedMessages);

/// <summary>
/// Applies <see cref="RetentionOptions"/>: expunges old mail from Junk and Trash (<see cref="MailboxAutoExpunger"/>),
/// forgets the send API's idempotency records, then the delivery log of settled messages, older than their retention. Keys go first, so a key is never on record while its message's log is gone
/// (<see cref="RetentionOptions.IdempotencyKeys"/> is at most <see cref="RetentionOptions.DeliveryLog"/>). Storage failures
/// propagate (the caller logs them and the next sweep tries again; what was removed stays removed).
/// </summary>
public sealed partial class RetentionSweeper(IDeliveryLog deliveryLog, IIdempotencyStore idempotency, MailboxAutoExpunger autoExpunger,
    RetentionOptions options, TimeProvider time, ILogger<RetentionSweeper> logger)
{
    public async Task<RetentionResult> SweepAsync(CancellationToken cancellationToken)
    {
        int expunged = await autoExpunger.SweepAsync(cancellationToken).ConfigureAwait(false);
        DateTimeOffset now = time.GetUtcNow();
        int keys = options.IdempotencyKeys > TimeSpan.Zero
            ? await idempotency.ForgetClaimedBeforeAsync(now - options.IdempotencyKeys, cancellationToken).ConfigureAwait(false)
            : 0;
        int messages = options.DeliveryLog > TimeSpan.Zero
            ? await deliveryLog.ForgetSettledBeforeAsync(now - options.DeliveryLog, cancellationToken).ConfigureAwait(false)
            : 0;
        if (keys > 0 || messages > 0 || expunged > 0) LogSwept(expunged, keys, messages);
        return new RetentionResult(keys, messages, expunged);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: expunged {Expunged} old messages from Junk and Trash, forgot {Keys} idempotency keys and the delivery log of {Messages} settled messages")]
    private partial void LogSwept(int expunged, int keys, int messages);
}
