using Azure.Data.Tables;
using CloudMail.Core.Delivery;
using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Messages;
using CloudMail.Storage.Azure.Tables;

namespace CloudMail.Storage.Azure.DeliveryLog;

/// <summary>
/// <see cref="IDeliveryLog"/> on the <see cref="AzureResourceNames.Tables.DeliveryLog"/> table. Partition =
/// <c>ab-{message id}</c> (<see cref="SpreadKeys.Prefix"/>: message ids grow in time order, the prefix spreads new
/// partitions over 256 key ranges), row = lower-cased recipient, so one message's records are one partition query and
/// every write is a single-row upsert (replace): the last write wins and replaying a job's writes is harmless. Records
/// written before the prefix (partition = bare message id) are still read when the message has none under the new key.
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
            PartitionKey = Partition(record.MessageId),
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
        var records = await QueryAsync(Partition(messageId), cancellationToken).ConfigureAwait(false);
        if (records.Count == 0) records = await QueryAsync(TableKeys.Escape(messageId), cancellationToken).ConfigureAwait(false);
        records.Sort((a, b) => string.CompareOrdinal(a.Recipient, b.Recipient));
        return records;
    }

    /// <summary>The partition of <paramref name="messageId"/>'s records.</summary>
    public static string Partition(string messageId) => SpreadKeys.Prefix(messageId) + "-" + TableKeys.Escape(messageId);

    private async Task<List<DeliveryRecord>> QueryAsync(string partition, CancellationToken cancellationToken)
    {
        var records = new List<DeliveryRecord>();
        await foreach (DeliveryEntity row in table.QueryAsync<DeliveryEntity>(TableQueries.Partition(partition), cancellationToken: cancellationToken)
                           .ConfigureAwait(false))
        {
            records.Add(new DeliveryRecord(row.MessageId, row.Recipient, Enum.Parse<DeliveryStatus>(row.Status), row.Attempts,
                row.LastReply, StoredTime.FromTicks(row.UpdatedAtTicks)));
        }
        return records;
    }
}
