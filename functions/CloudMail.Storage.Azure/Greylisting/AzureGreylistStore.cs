using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using CloudMail.Core.Filtering.Greylisting;
using CloudMail.Storage.Azure.Tables;

namespace CloudMail.Storage.Azure.Greylisting;

/// <summary>
/// <see cref="IGreylistStore"/> on the <see cref="AzureResourceNames.Tables.Greylist"/> table, shared by every listener
/// replica. One partition per record, so lookups and writes are point operations that never contend across records:
/// PartitionKey = a kind letter ('t' triplet, 'c' client network) + the first 32 hex digits of the SHA-256 of the key
/// (keys hold addresses, whose characters Table keys may not), RowKey = the kind letter. Writes are upserts (replace),
/// last writer wins, as the contract allows. The sweep is one filtered query over the table (selecting keys only) and a
/// delete per expired row, conditional on the ETag it read, so a record refreshed meanwhile stays.
/// </summary>
public sealed class AzureGreylistStore(TableClient table) : IGreylistStore
{
    private const string Triplet = "t", Client = "c";
    private const string FirstSeenColumn = "FirstSeenTicks", PassedAtColumn = "PassedAtTicks";
    private const string PassedColumn = "Passed", LastPassedColumn = "LastPassedTicks";

    public async ValueTask<GreylistTriplet?> GetTripletAsync(string key, CancellationToken cancellationToken)
    {
        var row = await GetAsync(Triplet, key, cancellationToken).ConfigureAwait(false);
        if (row is null) return null;
        long passed = row.GetInt64(PassedAtColumn) ?? 0;
        return new GreylistTriplet(StoredTime.FromTicks(row.GetInt64(FirstSeenColumn) ?? 0), passed == 0 ? null : StoredTime.FromTicks(passed));
    }

    public async ValueTask SaveTripletAsync(string key, GreylistTriplet triplet, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(triplet);
        var row = new TableEntity(PartitionOf(Triplet, key), Triplet)
        {
            [FirstSeenColumn] = StoredTime.ToTicks(triplet.FirstSeen),
            [PassedAtColumn] = triplet.PassedAt is { } passed ? StoredTime.ToTicks(passed) : 0L,
        };
        await table.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<GreylistClient?> GetClientAsync(string network, CancellationToken cancellationToken)
    {
        var row = await GetAsync(Client, network, cancellationToken).ConfigureAwait(false);
        return row is null ? null : new GreylistClient(row.GetInt32(PassedColumn) ?? 0, StoredTime.FromTicks(row.GetInt64(LastPassedColumn) ?? 0));
    }

    public async ValueTask SaveClientAsync(string network, GreylistClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var row = new TableEntity(PartitionOf(Client, network), Client)
        {
            [PassedColumn] = client.Passed,
            [LastPassedColumn] = StoredTime.ToTicks(client.LastPassed),
        };
        await table.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    public async Task<int> ForgetExpiredAsync(DateTimeOffset unpassedBefore, DateTimeOffset passedBefore, CancellationToken cancellationToken)
    {
        long unpassed = StoredTime.ToTicks(unpassedBefore), passed = StoredTime.ToTicks(passedBefore);
        string filter = TableClient.CreateQueryFilter(
            $"(RowKey eq {Triplet} and ((PassedAtTicks eq 0L and FirstSeenTicks lt {unpassed}) or (PassedAtTicks gt 0L and PassedAtTicks lt {passed}))) or (RowKey eq {Client} and LastPassedTicks lt {passed})");
        int removed = 0;
        await foreach (TableEntity row in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["PartitionKey", "RowKey"], cancellationToken)
            .ConfigureAwait(false))
        {
            try
            {
                await table.DeleteEntityAsync(row.PartitionKey, row.RowKey, row.ETag, cancellationToken).ConfigureAwait(false);
                removed++;
            }
            catch (RequestFailedException e) when (e.IsConcurrencyFailure())
            {
                // Refreshed or removed meanwhile: it stays, or is gone already.
            }
        }
        return removed;
    }

    private async Task<TableEntity?> GetAsync(string kind, string key, CancellationToken cancellationToken)
    {
        NullableResponse<TableEntity> response = await table.GetEntityIfExistsAsync<TableEntity>(PartitionOf(kind, key), kind, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return response.HasValue ? response.Value : null;
    }

    /// <summary>The kind letter and 128 bits of the key's SHA-256 in hex: valid as a Table key whatever the key holds.</summary>
    private static string PartitionOf(string kind, string key) =>
        kind + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)), 0, 16);
}
