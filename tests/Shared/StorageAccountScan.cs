using Azure;
using Azure.Data.Tables;
using Azure.Data.Tables.Models;

namespace CloudMail.Tests.Shared;

/// <summary>
/// Shared by the test projects (linked, not referenced). Reads a whole Azure storage account's tables the way an auditor
/// would, for erasure tests: every row of every table whose keys or text values contain a given string.
/// </summary>
public static class StorageAccountScan
{
    /// <summary>"table/partition/row" of each row naming <paramref name="text"/> (case-insensitive), in every table.</summary>
    public static async Task<List<string>> RowsNamingAsync(TableServiceClient tables, string text, CancellationToken cancellationToken)
    {
        var found = new List<string>();
        await foreach (TableItem table in tables.QueryAsync(cancellationToken: cancellationToken))
        {
            try
            {
                await foreach (TableEntity row in tables.GetTableClient(table.Name).QueryAsync<TableEntity>(cancellationToken: cancellationToken))
                {
                    bool names = row.PartitionKey.Contains(text, StringComparison.OrdinalIgnoreCase) || row.RowKey.Contains(text, StringComparison.OrdinalIgnoreCase)
                        || ((IDictionary<string, object>)row).Values.OfType<string>().Any(v => v.Contains(text, StringComparison.OrdinalIgnoreCase));
                    if (names) found.Add($"{table.Name}/{row.PartitionKey}/{row.RowKey}");
                }
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                // Another test class deleted its own table between the listing and this read: a table that no longer
                // exists holds no row naming anyone.
            }
        }
        return found;
    }
}
