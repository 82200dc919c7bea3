using Azure;
using Azure.Data.Tables;

namespace CloudMail.Storage.Azure.Tables;

/// <summary>Entity-group transactions: at most 100 actions, all in one partition, all or nothing.</summary>
internal static class TableBatches
{
    /// <summary>The service's limit of actions per transaction.</summary>
    public const int MaxActions = 100;

    /// <summary>
    /// Submits <paramref name="actions"/> as one transaction (nothing when empty). Throws
    /// <see cref="TableTransactionFailedException"/> naming the failed action when any action fails; then none applied.
    /// </summary>
    public static async Task SubmitAsync(this TableClient table, IReadOnlyList<TableTransactionAction> actions, CancellationToken cancellationToken)
    {
        if (actions.Count == 0) return;
        if (actions.Count > MaxActions) throw new ArgumentException($"A table transaction holds at most {MaxActions} actions, not {actions.Count}.", nameof(actions));
        await table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Deletes the given rows of one partition in transactions of up to 100 (each transaction atomic, the
    /// whole not). Rows already gone are fine.
    /// </summary>
    public static async Task DeleteRowsAsync(this TableClient table, IEnumerable<ITableEntity> rows, CancellationToken cancellationToken)
    {
        foreach (ITableEntity[] chunk in rows.Chunk(MaxActions))
        {
            try
            {
                await table.SubmitAsync([.. chunk.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, ETag.All))], cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (TableTransactionFailedException e) when (e.Status == TableErrors.NotFound)
            {
                // Someone deleted a row of this chunk meanwhile; delete the rest one by one.
                foreach (ITableEntity row in chunk)
                {
                    await table.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }
}
