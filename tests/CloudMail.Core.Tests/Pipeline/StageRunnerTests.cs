using CloudMail.Core.Failures;
using CloudMail.Core.Messages;
using CloudMail.Core.Pipeline;
using CloudMail.Core.Queue;
using CloudMail.Core.Blobs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudMail.Core.Tests.Pipeline;

/// <summary><see cref="StageRunner"/>: a stage's outcome or exception becomes exactly one settlement call.</summary>
public sealed class StageRunnerTests
{
    private readonly CapturingLogger<StageRunner> _logger = new();
    private readonly RecordingActions _actions = new();
    private readonly StageRunner _runner;

    public StageRunnerTests() => _runner = new StageRunner(new SettlementPolicy(Options.Create(new PipelineOptions())), _logger);

    private static MailJob Job()
    {
        string id = MessageIds.New();
        return new MailJob(id, id, new BlobRef(id, 1, new string('0', 64)),
            new Envelope("a@example.test", ["b@example.test"], null, "192.0.2.1", "client", DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task A_completed_stage_completes_the_message()
    {
        await _runner.RunAsync(new Stage(_ => StageOutcome.Done), Job(), 1, _actions, CancellationToken.None);

        Assert.Equal("complete", Assert.Single(_actions.Calls));
    }

    [Fact]
    public async Task A_transient_storage_failure_is_retried_with_backoff()
    {
        await _runner.RunAsync(new Stage(_ => throw new TransientStorageException(new IOException("busy"))), Job(), 1, _actions, CancellationToken.None);

        Assert.StartsWith("retry ", Assert.Single(_actions.Calls));
        Assert.Contains(_logger.Entries, e => e.Level == LogLevel.Warning);
    }

    [Fact]
    public async Task A_bug_is_dead_lettered_at_once_and_logged_as_an_error()
    {
        var job = Job();

        var settlement = await _runner.RunAsync(new Stage(_ => throw new InvalidOperationException("bug")), job, 1, _actions, CancellationToken.None);

        Assert.Equal("deadletter failed InvalidOperationException: bug", Assert.Single(_actions.Calls));
        Assert.IsType<Settlement.DeadLetter>(settlement);
        Assert.Contains(_logger.Entries, e => e.Level == LogLevel.Error && e.Exception is InvalidOperationException && e.Message.Contains(job.MessageId));
    }

    [Fact]
    public async Task A_cancelled_run_propagates_and_settles_nothing()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            _runner.RunAsync(new Stage(ct => { ct.ThrowIfCancellationRequested(); return StageOutcome.Done; }), Job(), 1, _actions, cts.Token));

        Assert.Empty(_actions.Calls);
    }

    private sealed class Stage(Func<CancellationToken, StageOutcome> run) : IPipelineStage
    {
        public string QueueName => "test";

        public Task<StageOutcome> RunAsync(MailJob job, CancellationToken cancellationToken) => Task.FromResult(run(cancellationToken));
    }

    private sealed class RecordingActions : ISettlementActions
    {
        public List<string> Calls { get; } = [];

        public Task CompleteAsync(CancellationToken cancellationToken)
        {
            Calls.Add("complete");
            return Task.CompletedTask;
        }

        public Task RetryAsync(TimeSpan delay, string reason, CancellationToken cancellationToken)
        {
            Calls.Add($"retry {reason}");
            return Task.CompletedTask;
        }

        public Task DeadLetterAsync(string reason, string description, CancellationToken cancellationToken)
        {
            Calls.Add($"deadletter {reason} {description}");
            return Task.CompletedTask;
        }
    }
}
