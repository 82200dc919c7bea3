using Azure;
using Azure.Data.Tables;
using CloudMail.Core.Messages;
using CloudMail.Core.SendApi;
using CloudMail.Storage.Azure.Tables;

namespace CloudMail.Storage.Azure.Idempotency;

/// <summary>
/// <see cref="IIdempotencyStore"/> on the <see cref="AzureResourceNames.Tables.Idempotency"/> table: PartitionKey = the key
/// (a message id: hex, valid as a key as it is), RowKey = <see cref="RowKey"/>. A claim inserts the row; the service
/// refuses an insert of an existing entity with 409, after which the claim reads the row that won. Rows are never
/// updated, so no ETags are needed, and one key per partition means claims never contend across keys.
/// </summary>
public sealed class AzureIdempotencyStore(TableClient table, TimeProvider time) : IIdempotencyStore
{
    /// <summary>The one row of each key's partition.</summary>
    public const string RowKey = "request";

    private const string FingerprintColumn = "Fingerprint";
    private const string RecordedAtColumn = "RecordedAtTicks";

    public async Task<IdempotencyClaim> ClaimAsync(string key, string fingerprint, CancellationToken cancellationToken)
    {
        if (!MessageIds.IsValid(key)) throw new ArgumentException($"'{key}' is not a message id.", nameof(key));
        ArgumentException.ThrowIfNullOrEmpty(fingerprint);
        var row = new TableEntity(key, RowKey)
        {
            [FingerprintColumn] = fingerprint,
            [RecordedAtColumn] = StoredTime.ToTicks(time.GetUtcNow()),
        };
        try
        {
            await table.AddEntityAsync(row, cancellationToken).ConfigureAwait(false);
            return new IdempotencyClaim(fingerprint, RecordedNow: true);
        }
        catch (RequestFailedException e) when (e.Status == TableErrors.Conflict)
        {
            // Claimed before (or by a concurrent request): the first fingerprint stands.
        }
        var recorded = await table.GetEntityAsync<TableEntity>(key, RowKey, [FingerprintColumn], cancellationToken).ConfigureAwait(false);
        return new IdempotencyClaim(recorded.Value.GetString(FingerprintColumn)
            ?? throw new InvalidOperationException($"Idempotency record {key} has no fingerprint."), RecordedNow: false);
    }

    /// <summary>
    /// A query over the whole table for the records made before the cutoff (a scan), each deleted as its page arrives, so
    /// that a run cut short (a function's timeout) has still forgotten what it got to.
    /// </summary>
    public Task<int> ForgetClaimedBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        // The column name is written out: CreateQueryFilter quotes interpolated strings as values.
        table.DeleteMatchingAsync(TableClient.CreateQueryFilter($"RecordedAtTicks lt {StoredTime.ToTicks(before)}"), cancellationToken);
}
