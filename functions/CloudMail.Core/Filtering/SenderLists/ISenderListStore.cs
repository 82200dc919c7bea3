namespace CloudMail.Core.Filtering.SenderLists;

/// <summary>
/// Allow and block lists of senders, per scope (<see cref="SenderListScope"/>). Keys are (scope, kind, pattern); scope and
/// pattern arrive canonical (<see cref="SenderListScope.Normalize"/>, <see cref="SenderPattern.Text"/>). Embedded: a table
/// of mail.db. Azure: a Table, partition = scope.
/// </summary>
public interface ISenderListStore
{
    /// <summary>Adds the entry; false (and nothing changed) when the scope already has it.</summary>
    Task<bool> AddAsync(SenderListEntry entry, CancellationToken cancellationToken);

    /// <summary>Removes the entry; false when there was none.</summary>
    Task<bool> RemoveAsync(string scope, SenderListKind kind, string pattern, CancellationToken cancellationToken);

    /// <summary>The entries of one scope, sorted by kind then pattern (ordinal).</summary>
    Task<IReadOnlyList<SenderListEntry>> ListAsync(string scope, CancellationToken cancellationToken);

    /// <summary>Every entry of every scope, sorted by scope, kind, pattern (ordinal). An admin operation: it may scan.</summary>
    Task<IReadOnlyList<SenderListEntry>> ListAllAsync(CancellationToken cancellationToken);
}
