using CloudMail.Core.Failures;
using Microsoft.Extensions.Options;

namespace CloudMail.Core.Pipeline;

/// <summary>
/// The one settlement policy of both hosts (values: <see cref="PipelineOptions"/>):
/// <list type="bullet">
/// <item><see cref="StageOutcome.Completed"/> → complete;</item>
/// <item><see cref="StageOutcome.Transient"/>, or an exception that <see cref="FailureClassification.IsTransient"/> →
/// retry after the larger of the stage's RetryAfter and <see cref="Backoff"/>, or dead-letter
/// <see cref="DeadLetterReasons.RetriesExhausted"/> once <see cref="PipelineOptions.MaxRetries"/> retries were made
/// (retries made = deliveries so far minus one, so redeliveries after a crash count too);</item>
/// <item><see cref="StageOutcome.Permanent"/> → dead-letter <see cref="DeadLetterReasons.Permanent"/> with the stage's reason;</item>
/// <item>any other exception → dead-letter <see cref="DeadLetterReasons.Failed"/> at once: a bug or bad configuration
/// must not be retried ten times.</item>
/// </list>
/// </summary>
public sealed class SettlementPolicy(IOptions<PipelineOptions> options)
{
    /// <summary>
    /// Backoff before retry number <paramref name="retry"/> (1 for the first): <see cref="PipelineOptions.RetryBaseDelay"/>
    /// doubled per earlier retry, capped at <see cref="PipelineOptions.RetryMaxDelay"/>, ±10 % jitter (so the cap can be
    /// exceeded by up to 10 %).
    /// </summary>
    public TimeSpan Backoff(int retry)
    {
        PipelineOptions o = options.Value;
        double doublings = Math.Clamp(retry - 1, 0, 30);
        double delay = Math.Min(o.RetryMaxDelay.TotalMilliseconds, o.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, doublings));
        double jitter = 0.9 + Random.Shared.NextDouble() * 0.2;
        return TimeSpan.FromMilliseconds(delay * jitter);
    }

    /// <summary>The settlement of a job in its <paramref name="deliveryCount"/>th delivery (1 for the first) whose stage returned <paramref name="outcome"/>.</summary>
    public Settlement For(StageOutcome outcome, int deliveryCount) => outcome switch
    {
        StageOutcome.Completed => Settlement.Completed,
        StageOutcome.Transient transient => RetryOrGiveUp(transient.RetryAfter, transient.Reason, deliveryCount),
        StageOutcome.Permanent permanent => new Settlement.DeadLetter(DeadLetterReasons.Permanent, permanent.Reason),
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome.GetType().Name, "Unknown stage outcome."),
    };

    /// <summary>The settlement of a job whose stage threw <paramref name="exception"/> (not a cancellation of the run).</summary>
    public Settlement For(Exception exception, int deliveryCount)
    {
        string description = FailureClassification.Describe(exception);
        return FailureClassification.IsTransient(exception)
            ? RetryOrGiveUp(TimeSpan.Zero, description, deliveryCount)
            : new Settlement.DeadLetter(DeadLetterReasons.Failed, description);
    }

    private Settlement RetryOrGiveUp(TimeSpan retryAfter, string reason, int deliveryCount)
    {
        int retries = Math.Max(0, deliveryCount - 1);
        if (retries >= options.Value.MaxRetries)
            return new Settlement.DeadLetter(DeadLetterReasons.RetriesExhausted, $"gave up after {retries} retries; last failure: {reason}");
        TimeSpan backoff = Backoff(retries + 1);
        return new Settlement.Retry(retryAfter > backoff ? retryAfter : backoff, retries + 1, reason);
    }
}
