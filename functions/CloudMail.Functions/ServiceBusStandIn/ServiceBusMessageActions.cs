using Azure.Messaging.ServiceBus;

namespace CloudMail.Functions.ServiceBusStandIn;

/// <summary>
/// Stand-in for <c>Microsoft.Azure.Functions.Worker.ServiceBusMessageActions</c>, with the members CloudMail uses and the
/// same signatures, so the functions compile unchanged against either. Only the official extension can settle a
/// message the host delivered (it talks to the host over gRPC); this build has no extension, so the host never invokes
/// the Service Bus functions and the members here throw. Tests derive from it (as they would from the official class,
/// which has the same protected constructor for that purpose).
/// </summary>
public class ServiceBusMessageActions
{
    /// <summary>For derived test doubles, like the official class's mocking constructor.</summary>
    protected ServiceBusMessageActions()
    {
    }

    /// <summary>Removes the message from the queue.</summary>
    public virtual Task CompleteMessageAsync(ServiceBusReceivedMessage message, CancellationToken cancellationToken = default) =>
        throw Unavailable();

    /// <summary>Releases the lock; the message is delivered again at once (its delivery count goes up).</summary>
    public virtual Task AbandonMessageAsync(ServiceBusReceivedMessage message, IDictionary<string, object>? propertiesToModify = default,
        CancellationToken cancellationToken = default) =>
        throw Unavailable();

    /// <summary>Moves the message to the queue's dead-letter sub-queue with a reason and a description.</summary>
    public virtual Task DeadLetterMessageAsync(ServiceBusReceivedMessage message, Dictionary<string, object>? propertiesToModify = default,
        string? deadLetterReason = default, string? deadLetterErrorDescription = default, CancellationToken cancellationToken = default) =>
        throw Unavailable();

    private static NotSupportedException Unavailable() => new(
        "Settling Service Bus messages needs the official Functions Service Bus extension: build with -p:UseOfficialServiceBusExtension=true.");
}
