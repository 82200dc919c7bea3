namespace CloudMail.Core.Failures;

/// <summary>
/// Convention 7 for exceptions: what the caller must do with one. Transient means "try again later":
/// <see cref="TransientStorageException"/> (what backends map their SDKs' transient errors onto), a
/// <see cref="StorageFullException"/> (space may be freed), a <see cref="TimeoutException"/>, or an <see cref="AggregateException"/> whose every inner exception is transient.
/// Everything else (<see cref="InvalidOperationException"/>, argument errors, SDK errors a backend did not map) is a bug,
/// bad configuration or bad data: retrying it would only repeat it.
/// </summary>
public static class FailureClassification
{
    /// <summary>True when <paramref name="exception"/> may succeed when tried again later.</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        TransientStorageException or StorageFullException or TimeoutException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsTransient),
        _ => false,
    };

    /// <summary>
    /// True when <paramref name="exception"/> is, or wraps (<see cref="Exception.InnerException"/>, every inner exception of an
    /// <see cref="AggregateException"/>), a <see cref="StorageFullException"/>: the storage had no room for a write.
    /// </summary>
    public static bool IsStorageFull(Exception exception) => exception switch
    {
        StorageFullException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsStorageFull),
        { InnerException: { } inner } => IsStorageFull(inner),
        _ => false,
    };

    /// <summary>
    /// For a failure <see cref="IsStorageFull"/> says is one: what the storage itself said (the message of the error the
    /// <see cref="StorageFullException"/> wraps, e.g. "No space left on device : '/path'"), for a log line without a stack.
    /// </summary>
    public static string DescribeStorageFull(Exception exception) => exception switch
    {
        StorageFullException { InnerException: { } cause } => cause.Message,
        StorageFullException full => full.Message,
        AggregateException { InnerExceptions.Count: > 0 } aggregate => DescribeStorageFull(aggregate.InnerExceptions[0]),
        { InnerException: { } inner } => DescribeStorageFull(inner),
        _ => exception.Message,
    };

    /// <summary>A one-line description for logs, retry reasons and dead-letter descriptions: type and message.</summary>
    public static string Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.GetType().Name + ": " + exception.Message;
    }
}
