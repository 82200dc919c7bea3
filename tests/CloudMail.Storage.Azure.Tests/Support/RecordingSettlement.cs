using CloudMail.Core.Pipeline;

namespace CloudMail.Storage.Azure.Tests.Support;

/// <summary>Records what the runner settled, in place of Service Bus message actions.</summary>
public sealed class RecordingSettlement : ISettlementActions
{
    public List<string> Actions { get; } = [];

    public Task CompleteAsync(CancellationToken cancellationToken)
    {
        Actions.Add("complete");
        return Task.CompletedTask;
    }

    public Task RetryAsync(TimeSpan delay, string reason, CancellationToken cancellationToken)
    {
        Actions.Add("retry");
        return Task.CompletedTask;
    }

    public Task DeadLetterAsync(string reason, string description, CancellationToken cancellationToken)
    {
        Actions.Add("dead-letter " + reason);
        return Task.CompletedTask;
    }
}
