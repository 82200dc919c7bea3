using CloudMail.Core.Failures;
using CloudMail.Core.Pipeline;
using Microsoft.Extensions.Options;

namespace CloudMail.Core.Tests.Pipeline;

/// <summary><see cref="SettlementPolicy"/>: the one backoff, retry limit and dead-letter vocabulary of both hosts.</summary>
public sealed class SettlementPolicyTests
{
    private static SettlementPolicy Policy(int maxRetries = 10) =>
        new(Options.Create(new PipelineOptions { RetryBaseDelay = TimeSpan.FromMinutes(1), RetryMaxDelay = TimeSpan.FromHours(1), MaxRetries = maxRetries }));

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(7, 60)]  // 64 minutes, capped at the hour
    [InlineData(50, 60)]
    public void Backoff_doubles_from_the_base_delay_up_to_the_cap_with_ten_percent_jitter(int retry, double minutes)
    {
        TimeSpan backoff = Policy().Backoff(retry);

        Assert.InRange(backoff.TotalMinutes, minutes * 0.9, minutes * 1.1);
    }

    [Fact]
    public void A_completed_stage_completes() => Assert.IsType<Settlement.Complete>(Policy().For(StageOutcome.Done, 1));

    [Fact]
    public void A_transient_outcome_is_retried_after_the_larger_of_its_own_delay_and_the_backoff()
    {
        var early = Assert.IsType<Settlement.Retry>(Policy().For(new StageOutcome.Transient(TimeSpan.Zero, "busy"), deliveryCount: 1));
        var late = Assert.IsType<Settlement.Retry>(Policy().For(new StageOutcome.Transient(TimeSpan.FromHours(3), "later"), deliveryCount: 1));

        Assert.Equal(1, early.Number);
        Assert.InRange(early.Delay.TotalMinutes, 0.9, 1.1);
        Assert.Equal("busy", early.Reason);
        Assert.Equal(TimeSpan.FromHours(3), late.Delay);
    }

    [Theory]
    [InlineData(10, false)] // 9 retries made: the 10th is scheduled
    [InlineData(11, true)]  // 10 retries made (MaxRetries): given up
    public void Transient_failures_past_the_retry_limit_are_dead_lettered(int deliveryCount, bool deadLettered)
    {
        Settlement settlement = Policy().For(new StageOutcome.Transient(TimeSpan.Zero, "IOException: busy"), deliveryCount);

        if (!deadLettered)
        {
            Assert.Equal(10, Assert.IsType<Settlement.Retry>(settlement).Number);
            return;
        }
        var dead = Assert.IsType<Settlement.DeadLetter>(settlement);
        Assert.Equal(DeadLetterReasons.RetriesExhausted, dead.Reason);
        Assert.Contains("gave up after 10 retries", dead.Description);
        Assert.Contains("IOException: busy", dead.Description);
    }

    [Fact]
    public void A_permanent_outcome_is_dead_lettered_with_its_reason()
    {
        var dead = Assert.IsType<Settlement.DeadLetter>(Policy().For(new StageOutcome.Permanent("blob is missing"), 1));

        Assert.Equal((DeadLetterReasons.Permanent, "blob is missing"), (dead.Reason, dead.Description));
    }

    [Fact]
    public void A_transient_exception_is_retried_with_the_backoff()
    {
        var retry = Assert.IsType<Settlement.Retry>(Policy().For(new TransientStorageException(new IOException("disk busy")), 2));

        Assert.Equal(2, retry.Number);
        Assert.InRange(retry.Delay.TotalMinutes, 1.8, 2.2);
        Assert.Contains("IOException: disk busy", retry.Reason);
    }

    [Fact]
    public void A_full_storage_is_retried_with_the_backoff_rather_than_dead_lettered()
    {
        var retry = Assert.IsType<Settlement.Retry>(Policy().For(new StorageFullException(new IOException("No space left on device")), 1));

        Assert.Equal(1, retry.Number);
        Assert.Contains("No space left on device", retry.Reason);
    }

    [Theory]
    [InlineData(typeof(InvalidOperationException))]
    [InlineData(typeof(ArgumentException))]
    [InlineData(typeof(IOException))] // not mapped by a backend: not known to be transient
    public void Any_other_exception_is_dead_lettered_at_once_as_failed(Type type)
    {
        var exception = (Exception)Activator.CreateInstance(type, "injected")!;

        var dead = Assert.IsType<Settlement.DeadLetter>(Policy().For(exception, deliveryCount: 1));

        Assert.Equal(DeadLetterReasons.Failed, dead.Reason);
        Assert.Contains(type.Name + ": injected", dead.Description);
    }

    [Fact]
    public void With_no_retries_allowed_the_first_transient_failure_is_dead_lettered() =>
        Assert.IsType<Settlement.DeadLetter>(Policy(maxRetries: 0).For(new StageOutcome.Transient(TimeSpan.Zero, "busy"), 1));

    [Fact]
    public void Default_options_are_valid_and_bad_ones_are_reported()
    {
        Assert.Empty(new PipelineOptions().Problems());
        Assert.NotEmpty(new PipelineOptions { RetryBaseDelay = TimeSpan.Zero }.Problems());
        Assert.NotEmpty(new PipelineOptions { RetryMaxDelay = TimeSpan.FromSeconds(1) }.Problems());
        Assert.NotEmpty(new PipelineOptions { MaxRetries = -1 }.Problems());
        Assert.NotEmpty(new PipelineOptions { Concurrency = 0 }.Problems());
    }
}
