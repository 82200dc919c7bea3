namespace CloudMail.Storage.Azure.Tables;

/// <summary>
/// Thrown inside one optimistic attempt when a row changed (412), vanished (404) or appeared (409) since it
/// was read; <see cref="OptimisticRetry"/> catches it and runs the attempt again from fresh reads.
/// </summary>
internal sealed class ConcurrencyConflict(string what, Exception? inner = null) : Exception(what, inner);
