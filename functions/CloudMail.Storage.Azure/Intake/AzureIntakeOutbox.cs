using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;
using Azure;
using CloudMail.Core.Intake;
using CloudMail.Core.Pipeline;
using CloudMail.Core.Queue;
using CloudMail.Storage.Azure.Tables;

namespace CloudMail.Storage.Azure.Intake;

/// <summary>
/// <see cref="IIntakeOutbox"/> on the <see cref="AzureResourceNames.Tables.IntakeOutbox"/> table. PartitionKey = the
/// UTC hour the marker was recorded (<c>yyyyMMddHH</c>, which sorts by time), RowKey = the escaped message id. Every
/// write is a single-row upsert; the sweep's listing is one query over the partitions up to the cutoff's hour
/// (<c>PartitionKey le hour and RecordedAtTicks lt cutoff</c>), which the service answers in key order, so the oldest
/// hours come first without a table scan of recent traffic.
/// </summary>
/// <remarks>
/// Recording a message again in the same hour replaces its marker; in another hour it adds a second row, which the
/// sweeper handles on its own (see <see cref="IIntakeOutbox"/>). Removal reads the row and deletes it with the ETag read
/// only while it still holds the given marker's time, so removing an old marker never deletes a newer one that
/// replaced it. All writes in one hour go to one partition (Table storage: about 2,000 entities per second per
/// partition), far above what one deployment's listener accepts.
/// </remarks>
public sealed class AzureIntakeOutbox(TableClient table) : IIntakeOutbox
{
    private const string MessageIdColumn = "MessageId";
    private const string RecordedAtColumn = "RecordedAtTicks";
    private const string RequeuesColumn = "Requeues";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Task RecordAsync(IntakeMarker marker, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(marker);
        ArgumentException.ThrowIfNullOrEmpty(marker.Job.MessageId);
        var row = new TableEntity(Hour(marker.RecordedAt), TableKeys.Escape(marker.Job.MessageId))
        {
            [MessageIdColumn] = marker.Job.MessageId,
            [RecordedAtColumn] = StoredTime.ToTicks(marker.RecordedAt),
            [RequeuesColumn] = marker.Requeues,
        };
        JobColumns.Write(row, JsonSerializer.SerializeToUtf8Bytes(marker.Job, Json));
        return table.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task<IReadOnlyList<IntakeMarker>> ListRecordedBeforeAsync(DateTimeOffset cutoff, int max, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        string filter = TableClient.CreateQueryFilter($"PartitionKey le {Hour(cutoff)} and RecordedAtTicks lt {StoredTime.ToTicks(cutoff)}");
        var markers = new List<IntakeMarker>();
        await foreach (TableEntity row in table.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(max, 1000), cancellationToken: cancellationToken)
                           .ConfigureAwait(false))
        {
            markers.Add(ToMarker(row));
            if (markers.Count == max) break;
        }
        markers.Sort((a, b) => a.RecordedAt.CompareTo(b.RecordedAt));
        return markers;
    }

    public async Task RemoveAsync(IntakeMarker marker, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(marker);
        string partition = Hour(marker.RecordedAt), rowKey = TableKeys.Escape(marker.Job.MessageId);
        NullableResponse<TableEntity> found = await table.GetEntityIfExistsAsync<TableEntity>(partition, rowKey, [RecordedAtColumn], cancellationToken)
            .ConfigureAwait(false);
        if (!found.HasValue || found.Value!.GetInt64(RecordedAtColumn) != StoredTime.ToTicks(marker.RecordedAt)) return;
        try
        {
            await table.DeleteEntityAsync(partition, rowKey, found.Value.ETag, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status is TableErrors.NotFound or TableErrors.PreconditionFailed)
        {
            // Removed meanwhile, or replaced by a newer marker of the same message, which must stay.
        }
    }

    /// <summary>Partition of a marker recorded at <paramref name="at"/>: its UTC hour, <c>yyyyMMddHH</c>.</summary>
    public static string Hour(DateTimeOffset at) => at.UtcDateTime.ToString("yyyyMMddHH", CultureInfo.InvariantCulture);

    private static IntakeMarker ToMarker(TableEntity row) => new(
        JsonSerializer.Deserialize<MailJob>(JobColumns.Read(row), Json) ?? throw new JsonException($"Intake marker {row.RowKey} holds no job."),
        StoredTime.FromTicks(row.GetInt64(RecordedAtColumn) ?? 0),
        row.GetInt32(RequeuesColumn) ?? 0);
}
