namespace CloudMail.Core.Failures;

/// <summary>
/// A write found no room left on the storage (a full disk, a volume or file-system quota): nothing of that write was
/// kept, and the same write may succeed once space has been freed. Transient (<see cref="FailureClassification.IsTransient"/>),
/// but worth its own answer to clients (SMTP 452 4.3.1, IMAP <c>NO [OVERQUOTA]</c>) and its own log line: it is the
/// operator's to fix, not a bug. Backends map their own "disk full" errors onto it (the original is the
/// <see cref="Exception.InnerException"/>). Deliberately not an <see cref="IOException"/>: protocol sessions take an
/// <see cref="IOException"/> for their connection failing.
/// </summary>
public sealed class StorageFullException : Exception
{
    /// <summary>Wraps <paramref name="innerException"/>; the message names its type and repeats its message.</summary>
    public StorageFullException(Exception innerException)
        : base("No space left on the storage: " + (innerException ?? throw new ArgumentNullException(nameof(innerException))).GetType().Name + ": " + innerException.Message, innerException)
    {
    }

    public StorageFullException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    public StorageFullException()
        : base("No space left on the storage.")
    {
    }
}
