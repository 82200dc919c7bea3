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
/// <see cref="IIntakeOutbox"/> on the <see cref="AzureResourceNames.Tables.IntakeOutbox"/> table. PartitionKey = one of
/// <see cref="Buckets"/> hex digits taken from a hash of the message id, then the UTC hour the marker was recorded
/// (<c>b yyyyMMddHH</c>, which sorts by time within a bucket), RowKey = the escaped message id. Every write is a
/// single-row upsert and the writes of one hour spread over the buckets' partitions (at 10 million messages a day one
/// hourly partition would near Table storage's ~2,000 entities per second per partition at peak). The sweep's listing
/// is one range query per bucket over its partitions up to the cutoff's hour
/// (<c>PartitionKey ge b and PartitionKey le b+hour and RecordedAtTicks lt cutoff</c>), answered in key order, so the
/// oldest hours come first without a table scan of recent traffic.
/// </summary>
/// <remarks>
/// Recording a message again in the same hour replaces its marker; in another hour it adds a second row, which the
/// sweeper handles on its own (see <see cref="IIntakeOutbox"/>). Removal reads the row and deletes it with the ETag read
/// only while it still holds the given marker's time, so removing an old marker never deletes a newer one that
/// replaced it.
/// </remarks>
public sealed class AzureIntakeOutbox(TableClient table) : IIntakeOutbox
{
    private const string MessageIdColumn = "MessageId";
    private const string RecordedAtColumn = "RecordedAtTicks";
    private const string RequeuesColumn = "Requeues";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Partitions one hour's markers are spread over.</summary>
    public const int Buckets = 16;

    public Task RecordAsync(IntakeMarker marker, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(marker);
        ArgumentException.ThrowIfNullOrEmpty(marker.Job.MessageId);
        var row = new TableEntity(Partition(marker.Job.MessageId, marker.RecordedAt), TableKeys.Escape(marker.Job.MessageId))
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
        var markers = new List<IntakeMarker>();
        string hour = Hour(cutoff);
        for (int bucket = 0; bucket < Buckets; bucket++)
        {
            string b = bucket.ToString("x1", CultureInfo.InvariantCulture);
            string filter = TableClient.CreateQueryFilter(
                $"PartitionKey ge {b} and PartitionKey le {b + hour} and RecordedAtTicks lt {StoredTime.ToTicks(cutoff)}");
            int taken = 0;
            await foreach (TableEntity row in table.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(max, 1000), cancellationToken: cancellationToken)
                               .ConfigureAwait(false))
            {
                markers.Add(ToMarker(row));
                if (++taken == max) break; // the oldest max of each bucket; the oldest max of all are among them
            }
        }
        markers.Sort((a, b) => a.RecordedAt.CompareTo(b.RecordedAt));
        return markers.Count > max ? markers[..max] : markers;
    }

    public async Task RemoveAsync(IntakeMarker marker, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(marker);
        string partition = Partition(marker.Job.MessageId, marker.RecordedAt), rowKey = TableKeys.Escape(marker.Job.MessageId);
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

    /// <summary>Partition of <paramref name="messageId"/>'s marker recorded at <paramref name="at"/>: bucket digit and UTC hour.</summary>
    public static string Partition(string messageId, DateTimeOffset at) =>
        BucketOf(messageId).ToString("x1", CultureInfo.InvariantCulture) + Hour(at);

    /// <summary>The UTC hour, <c>yyyyMMddHH</c>.</summary>
    private static string Hour(DateTimeOffset at) => at.UtcDateTime.ToString("yyyyMMddHH", CultureInfo.InvariantCulture);

    /// <summary>A stable bucket of a message id (FNV-1a of its characters): the same in every process and release.</summary>
    private static int BucketOf(string messageId)
    {
        uint hash = 2166136261;
        foreach (char c in messageId) hash = (hash ^ c) * 16777619;
        return (int)(hash % Buckets);
    }

    private static IntakeMarker ToMarker(TableEntity row) => new(
        JsonSerializer.Deserialize<MailJob>(JobColumns.Read(row), Json) ?? throw new JsonException($"Intake marker {row.RowKey} holds no job."),
        StoredTime.FromTicks(row.GetInt64(RecordedAtColumn) ?? 0),
        row.GetInt32(RequeuesColumn) ?? 0);
}
