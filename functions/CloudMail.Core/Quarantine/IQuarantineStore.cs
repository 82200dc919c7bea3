namespace CloudMail.Core.Quarantine;

/// <summary>
/// The quarantine's entries, keyed by message id. Embedded: table <c>quarantine</c> of mail.db (migration 12). Azure:
/// Table <c>quarantine</c> (partition = message id). Writes are idempotent: a redelivered job that quarantines again
/// changes nothing.
/// </summary>
public interface IQuarantineStore
{
    /// <summary>Adds <paramref name="entry"/>; false (and nothing changed) when its message id is already there.</summary>
    Task<bool> AddAsync(QuarantineEntry entry, CancellationToken cancellationToken);

    /// <summary>The entry of <paramref name="messageId"/>, or null.</summary>
    Task<QuarantineEntry?> GetAsync(string messageId, CancellationToken cancellationToken);

    /// <summary>Every entry, newest first (then by message id). An admin operation: it may read the whole table.</summary>
    Task<IReadOnlyList<QuarantineEntry>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Removes the entry of <paramref name="messageId"/>; false when there was none.</summary>
    Task<bool> RemoveAsync(string messageId, CancellationToken cancellationToken);
}
