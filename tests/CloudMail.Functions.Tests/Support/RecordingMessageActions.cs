using Azure.Messaging.ServiceBus;
using Microsoft.Azure.Functions.Worker;

namespace CloudMail.Functions.Tests.Support;

/// <summary>
/// The Service Bus settlement seam, recording instead of talking to a host: derives from ServiceBusMessageActions
/// through its protected constructor, as a test of the official class would.
/// </summary>
public sealed class RecordingMessageActions : ServiceBusMessageActions
{
    private readonly List<Settled> _calls = [];

    public IReadOnlyList<Settled> Calls
    {
        get { lock (_calls) return [.. _calls]; }
    }

    /// <summary>The only settlement, asserting there was exactly one.</summary>
    public Settled Single => Assert.Single(Calls);

    /// <summary>Thread-safe: a batched trigger settles its messages at once.</summary>
    private void Record(Settled call)
    {
        lock (_calls) _calls.Add(call);
    }

    public override Task CompleteMessageAsync(ServiceBusReceivedMessage message, CancellationToken cancellationToken = default)
    {
        Record(new Settled("complete", message.MessageId, null, null));
        return Task.CompletedTask;
    }

    public override Task AbandonMessageAsync(ServiceBusReceivedMessage message, IDictionary<string, object>? propertiesToModify = default,
        CancellationToken cancellationToken = default)
    {
        Record(new Settled("abandon", message.MessageId, null, null));
        return Task.CompletedTask;
    }

    public override Task DeadLetterMessageAsync(ServiceBusReceivedMessage message, Dictionary<string, object>? propertiesToModify = default,
        string? deadLetterReason = default, string? deadLetterErrorDescription = default, CancellationToken cancellationToken = default)
    {
        Record(new Settled("deadletter", message.MessageId, deadLetterReason, deadLetterErrorDescription));
        return Task.CompletedTask;
    }
}

/// <summary>One settlement call.</summary>
public sealed record Settled(string Action, string MessageId, string? Reason, string? Description);
