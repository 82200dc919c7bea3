using Azure.Data.Tables;
using CloudMail.Core.Delivery;
using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Messages;
using CloudMail.Storage.Azure.Tables;

namespace CloudMail.Storage.Azure.DeliveryLog;

/// <summary>
/// <see cref="IDeliveryLog"/> on the <see cref="AzureResourceNames.Tables.DeliveryLog"/> table. Partition = message id,
/// row = lower-cased recipient, so one message's records are one partition query and every write is a
/// single-row upsert (replace): the last write wins and replaying a job's writes is harmless.
/// </summary>
public sealed class AzureDeliveryLog(TableClient table) : IDeliveryLog
{
    public Task RecordAsync(DeliveryRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentException.ThrowIfNullOrEmpty(record.MessageId);
        ArgumentException.ThrowIfNullOrWhiteSpace(record.Recipient);
        string recipient = MailAddresses.Normalize(record.Recipient);
        var row = new DeliveryEntity
        {
            PartitionKey = TableKeys.Escape(record.MessageId),
            RowKey = TableKeys.Escape(recipient),
            MessageId = record.MessageId,
            Recipient = recipient,
            Status = record.Status.ToString(),
            Attempts = record.Attempts,
            LastReply = record.LastReply,
            UpdatedAtTicks = StoredTime.ToTicks(record.UpdatedAt),
        };
        return table.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>A query over every partition for the recipient's row key (a table scan), then one delete per record.</summary>
    public async Task<int> ForgetRecipientAsync(string recipient, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(recipient);
        string rowKey = TableKeys.Escape(MailAddresses.Normalize(recipient));
        var rows = new List<KeyOnlyRow>();
        await foreach (KeyOnlyRow row in table.QueryAsync<KeyOnlyRow>(TableClient.CreateQueryFilter($"RowKey eq {rowKey}"), select: KeyOnlyRow.Columns,
                           cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            rows.Add(row);
        }
        foreach (KeyOnlyRow row in rows)
        {
            await table.DeleteEntityAsync(row.PartitionKey, row.RowKey, global::Azure.ETag.All, cancellationToken).ConfigureAwait(false);
        }
        return rows.Count;
    }

    /// <summary>Sorted by recipient (ordinal); empty for an unknown message.</summary>
    public async Task<IReadOnlyList<DeliveryRecord>> GetAsync(string messageId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        var records = new List<DeliveryRecord>();
        await foreach (DeliveryEntity row in table.QueryAsync<DeliveryEntity>(TableQueries.Partition(TableKeys.Escape(messageId)),
                           cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            records.Add(new DeliveryRecord(row.MessageId, row.Recipient, Enum.Parse<DeliveryStatus>(row.Status), row.Attempts,
                row.LastReply, StoredTime.FromTicks(row.UpdatedAtTicks)));
        }
        records.Sort((a, b) => string.CompareOrdinal(a.Recipient, b.Recipient));
        return records;
    }
}
