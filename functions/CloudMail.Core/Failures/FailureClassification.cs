namespace CloudMail.Core.Failures;

/// <summary>
/// Convention 7 for exceptions: what the caller must do with one. Transient means "try again later":
/// <see cref="TransientStorageException"/> (what backends map their SDKs' transient errors onto), a
/// <see cref="TimeoutException"/>, or an <see cref="AggregateException"/> whose every inner exception is transient.
/// Everything else (<see cref="InvalidOperationException"/>, argument errors, SDK errors a backend did not map) is a bug,
/// bad configuration or bad data: retrying it would only repeat it.
/// </summary>
public static class FailureClassification
{
    /// <summary>True when <paramref name="exception"/> may succeed when tried again later.</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        TransientStorageException or TimeoutException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsTransient),
        _ => false,
    };

    /// <summary>A one-line description for logs, retry reasons and dead-letter descriptions: type and message.</summary>
    public static string Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.GetType().Name + ": " + exception.Message;
    }
}
