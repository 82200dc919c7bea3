using Azure;
using Azure.Data.Tables;

namespace CloudMail.Storage.Azure.Tests.Support;

/// <summary>
/// A <see cref="TableClient"/> (subclassed through its mocking constructor) that forwards every call the
/// adapters make to a real client on Azurite, but runs <see cref="BeforeTransaction"/> right before each
/// entity-group transaction: a test uses it to change a row in between, exactly as a writer in another
/// process would, so the 412 the adapter then sees comes from the real Table protocol. <see cref="BeforeQuery"/> does the
/// same before each query (run to completion before the query is sent).
/// </summary>
public sealed class InterferingTableClient(TableClient inner) : TableClient
{
    /// <summary>Called with the 1-based number of the transaction about to be submitted.</summary>
    public Func<int, Task>? BeforeTransaction { get; set; }

    public int Transactions { get; private set; }

    /// <summary>Called with the filter of every query about to be sent.</summary>
    public Func<string?, Task>? BeforeQuery { get; set; }

    public override string Name => inner.Name;

    public override async Task<Response<IReadOnlyList<Response>>> SubmitTransactionAsync(IEnumerable<TableTransactionAction> transactionActions,
        CancellationToken cancellationToken = default)
    {
        Transactions++;
        if (BeforeTransaction is { } interfere) await interfere(Transactions);
        return await inner.SubmitTransactionAsync(transactionActions, cancellationToken);
    }

    public override Task<NullableResponse<T>> GetEntityIfExistsAsync<T>(string partitionKey, string rowKey, IEnumerable<string>? select = null,
        CancellationToken cancellationToken = default) => inner.GetEntityIfExistsAsync<T>(partitionKey, rowKey, select, cancellationToken);

    public override AsyncPageable<T> QueryAsync<T>(string? filter = null, int? maxPerPage = null, IEnumerable<string>? select = null,
        CancellationToken cancellationToken = default)
    {
        BeforeQuery?.Invoke(filter).GetAwaiter().GetResult();
        return inner.QueryAsync<T>(filter, maxPerPage, select, cancellationToken);
    }

    public override Task<Response> UpsertEntityAsync<T>(T entity, TableUpdateMode mode = TableUpdateMode.Merge, CancellationToken cancellationToken = default) =>
        inner.UpsertEntityAsync(entity, mode, cancellationToken);

    public override Task<Response> DeleteEntityAsync(string partitionKey, string rowKey, ETag ifMatch = default, CancellationToken cancellationToken = default) =>
        inner.DeleteEntityAsync(partitionKey, rowKey, ifMatch, cancellationToken);
}
