using Azure;
using Azure.Data.Tables;

namespace CloudMail.Storage.Azure.Tables;

/// <summary>Deleting every row a filter matches, for the retention sweeps.</summary>
internal static class TableSweeps
{
    /// <summary>
    /// Queries the whole table with <paramref name="filter"/> (a scan unless it names partitions) and deletes each row as
    /// its page arrives, so that a run cut short (a function's timeout) keeps what it deleted. Rows deleted meanwhile by
    /// someone else are skipped. Returns how many rows this call deleted.
    /// </summary>
    public static async Task<int> DeleteMatchingAsync(this TableClient table, string filter, CancellationToken cancellationToken)
    {
        int deleted = 0;
        await foreach (Page<KeyOnlyRow> page in table.QueryAsync<KeyOnlyRow>(filter, select: KeyOnlyRow.Columns, cancellationToken: cancellationToken)
                           .AsPages().ConfigureAwait(false))
        {
            foreach (KeyOnlyRow row in page.Values)
            {
                try
                {
                    await table.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All, cancellationToken).ConfigureAwait(false);
                    deleted++;
                }
                catch (RequestFailedException e) when (e.Status == TableErrors.NotFound)
                {
                    // Deleted by a concurrent sweep.
                }
            }
        }
        return deleted;
    }
}
