namespace CloudMail.Core.Failures;

/// <summary>
/// A storage backend failed in a way that may well succeed when tried again later: throttling, a service briefly
/// unavailable, a timeout, a busy database, an I/O error. The one transient failure type of Core's storage contracts:
/// each backend adapter maps its SDK's transient errors onto it (the SDK's exception is the
/// <see cref="Exception.InnerException"/>); anything else a backend throws is a bug, bad configuration or bad data, and
/// retrying it cannot help. Callers that retry on their own schedule (the pipeline's <see cref="Pipeline.StageRunner"/>)
/// test for this type via <see cref="FailureClassification.IsTransient"/>.
/// </summary>
public sealed class TransientStorageException : Exception
{
    /// <summary>Wraps <paramref name="innerException"/>; the message names its type and repeats its message.</summary>
    public TransientStorageException(Exception innerException)
        : base(Describe(innerException), innerException)
    {
    }

    public TransientStorageException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    public TransientStorageException()
        : base("A storage backend failed transiently.")
    {
    }

    private static string Describe(Exception inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        return inner.GetType().Name + ": " + inner.Message;
    }
}
