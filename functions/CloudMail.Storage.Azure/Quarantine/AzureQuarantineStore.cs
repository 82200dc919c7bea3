using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using CloudMail.Core.Queue;
using CloudMail.Core.Quarantine;
using CloudMail.Storage.Azure.Intake;
using CloudMail.Storage.Azure.Tables;

namespace CloudMail.Storage.Azure.Quarantine;

/// <summary>
/// <see cref="IQuarantineStore"/> in the <see cref="AzureResourceNames.Tables.Quarantine"/> table: partition = the escaped
/// message id, one row (<see cref="Row"/>) holding the job as JSON (<see cref="JobColumns"/>), the signature and the time.
/// Adding is an insert (a conflict means already quarantined); listing reads the whole table, an admin operation on what
/// is normally a handful of rows.
/// </summary>
public sealed class AzureQuarantineStore(TableClient table) : IQuarantineStore
{
    private const string Row = "q";
    private const string SignatureColumn = "Signature";
    private const string QuarantinedAtColumn = "QuarantinedAtTicks";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<bool> AddAsync(QuarantineEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var row = new TableEntity(TableKeys.Escape(entry.MessageId), Row)
        {
            [SignatureColumn] = entry.Signature,
            [QuarantinedAtColumn] = StoredTime.ToTicks(entry.QuarantinedAt),
        };
        JobColumns.Write(row, JsonSerializer.SerializeToUtf8Bytes(entry.Job, Json));
        try
        {
            await table.AddEntityAsync(row, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == TableErrors.Conflict)
        {
            return false;
        }
    }

    public async Task<QuarantineEntry?> GetAsync(string messageId, CancellationToken cancellationToken)
    {
        var response = await table.GetEntityIfExistsAsync<TableEntity>(TableKeys.Escape(messageId), Row, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.HasValue ? Read(response.Value!) : null;
    }

    public async Task<IReadOnlyList<QuarantineEntry>> ListAsync(CancellationToken cancellationToken)
    {
        var entries = new List<QuarantineEntry>();
        await foreach (TableEntity row in table.QueryAsync<TableEntity>(r => r.RowKey == Row, cancellationToken: cancellationToken).ConfigureAwait(false))
            entries.Add(Read(row));
        return [.. entries.OrderByDescending(e => e.QuarantinedAt).ThenBy(e => e.MessageId, StringComparer.Ordinal)];
    }

    public async Task<bool> RemoveAsync(string messageId, CancellationToken cancellationToken)
    {
        Response response = await table.DeleteEntityAsync(TableKeys.Escape(messageId), Row, ETag.All, cancellationToken).ConfigureAwait(false);
        return response.Status != TableErrors.NotFound;
    }

    private static QuarantineEntry Read(TableEntity row)
    {
        MailJob job = JsonSerializer.Deserialize<MailJob>(JobColumns.Read(row), Json)
            ?? throw new JsonException($"Quarantine row {row.PartitionKey} holds no job.");
        return new QuarantineEntry(job.MessageId, job, row.GetString(SignatureColumn) ?? "", StoredTime.FromTicks(row.GetInt64(QuarantinedAtColumn) ?? 0));
    }
}
