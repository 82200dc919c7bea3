using Azure.Messaging.ServiceBus;
using CloudMail.Core.Failures;

namespace CloudMail.Storage.Azure.Queue;

/// <summary>
/// Maps the Service Bus SDK's transient failures onto Core's <see cref="TransientStorageException"/>: a
/// <see cref="ServiceBusException"/> whose <see cref="ServiceBusException.IsTransient"/> is set (busy, timeout,
/// communication problem, quota for now), also inside an <see cref="AggregateException"/>. Anything else propagates
/// unchanged.
/// </summary>
public static class ServiceBusFailures
{
    /// <summary>True for a Service Bus failure the SDK calls transient.</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        ServiceBusException serviceBus => serviceBus.IsTransient,
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsTransient),
        _ => false,
    };

    /// <summary>
    /// Runs and awaits <paramref name="operation"/>, throwing its transient failures (thrown at once or through the task)
    /// as <see cref="TransientStorageException"/>.
    /// </summary>
    public static async Task TranslateAsync(Func<Task> operation)
    {
        try
        {
            await operation().ConfigureAwait(false);
        }
        catch (Exception e) when (IsTransient(e))
        {
            throw new TransientStorageException(e);
        }
    }
}
