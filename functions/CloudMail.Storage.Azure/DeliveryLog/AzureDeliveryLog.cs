using System.Globalization;
using Azure;
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
/// Each write also adds the attempt row (<see cref="DeliveryAttemptEntity"/>) in the same entity-group transaction, then
/// prunes the recipient's attempt rows to the newest <see cref="DeliveryAttempt.MaxPerRecipient"/> (one range query; a
/// failed prune leaves extra rows that the next write of the recipient removes).
/// </summary>
public sealed class AzureDeliveryLog(TableClient table) : IDeliveryLog
{
    public async Task RecordAsync(DeliveryRecord record, CancellationToken cancellationToken)
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
        long at = StoredTime.ToTicks(record.UpdatedAt);
        var attempt = new DeliveryAttemptEntity
        {
            PartitionKey = row.PartitionKey,
            RowKey = DeliveryAttemptEntity.RecipientPrefix(recipient) + at.ToString("D19", CultureInfo.InvariantCulture) + ":" + row.Status,
            MessageId = record.MessageId,
            Recipient = recipient,
            AtTicks = at,
            Stage = record.Stage ?? "",
            Status = row.Status,
            Attempt = record.Attempts,
            RemoteHost = record.RemoteHost,
            Reply = record.LastReply,
            NextAttemptAtTicks = record.NextAttemptAt is { } next ? StoredTime.ToTicks(next) : null,
        };
        await table.SubmitAsync([new TableTransactionAction(TableTransactionActionType.UpsertReplace, row),
            new TableTransactionAction(TableTransactionActionType.UpsertReplace, attempt)], cancellationToken).ConfigureAwait(false);
        await PruneAsync(row.PartitionKey, recipient, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes <paramref name="recipient"/>'s oldest attempt rows beyond <see cref="DeliveryAttempt.MaxPerRecipient"/> (one range query).</summary>
    private async Task PruneAsync(string partition, string recipient, CancellationToken cancellationToken)
    {
        var keys = new List<KeyOnlyRow>();
        await foreach (KeyOnlyRow key in table.QueryAsync<KeyOnlyRow>(TableQueries.RowPrefix(partition, DeliveryAttemptEntity.RecipientPrefix(recipient)),
                           select: KeyOnlyRow.Columns, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            keys.Add(key);
        }
        if (keys.Count <= DeliveryAttempt.MaxPerRecipient) return;
        keys.Sort((a, b) => string.CompareOrdinal(a.RowKey, b.RowKey));
        await table.DeleteRowsAsync(keys.Take(keys.Count - DeliveryAttempt.MaxPerRecipient), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sorted by recipient (ordinal), then oldest first; one range query of the message's partition.</summary>
    public async Task<IReadOnlyList<DeliveryAttempt>> GetAttemptsAsync(string messageId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        var attempts = new List<DeliveryAttempt>();
        await foreach (DeliveryAttemptEntity row in table.QueryAsync<DeliveryAttemptEntity>(
                           TableQueries.RowPrefix(Partition(messageId), DeliveryAttemptEntity.Prefix), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            attempts.Add(new DeliveryAttempt(row.MessageId, row.Recipient, StoredTime.FromTicks(row.AtTicks), row.Stage, Enum.Parse<DeliveryStatus>(row.Status),
                row.Attempt, row.RemoteHost, row.Reply, row.NextAttemptAtTicks is { } next ? StoredTime.FromTicks(next) : null));
        }
        return [.. attempts.OrderBy(a => a.Recipient, StringComparer.Ordinal).ThenBy(a => a.At)];
    }

    /// <summary>A query over every partition for the recipient's row key (a table scan), then one delete per record.</summary>
    public async Task<int> ForgetRecipientAsync(string recipient, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(recipient);
        string rowKey = TableKeys.Escape(MailAddresses.Normalize(recipient));
        string attemptPrefix = DeliveryAttemptEntity.RecipientPrefix(MailAddresses.Normalize(recipient));
        var rows = new List<KeyOnlyRow>();
        string filter = TableClient.CreateQueryFilter(
            $"RowKey eq {rowKey} or (RowKey ge {attemptPrefix} and RowKey lt {TableKeys.UpperBound(attemptPrefix)})");
        await foreach (KeyOnlyRow row in table.QueryAsync<KeyOnlyRow>(filter, select: KeyOnlyRow.Columns, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            rows.Add(row);
        }
        foreach (KeyOnlyRow row in rows)
        {
            await table.DeleteEntityAsync(row.PartitionKey, row.RowKey, global::Azure.ETag.All, cancellationToken).ConfigureAwait(false);
        }
        return rows.Count(r => r.RowKey == rowKey);
    }

    /// <summary>
    /// A query over the whole table for the recipient rows last written before the cutoff (a scan; attempt rows have no
    /// <c>UpdatedAtTicks</c> and never match), handled page by page so that a run cut short (a function's timeout) has
    /// still forgotten what it got to: per message the page names, one partition query; when every recipient row is
    /// settled and older than the cutoff, its recipient rows are deleted in entity-group transactions conditional on the
    /// ETags just read (a write meanwhile fails the transaction and keeps the message), then its attempt rows.
    /// </summary>
    public async Task<int> ForgetSettledBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        long cutoff = StoredTime.ToTicks(before);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int forgotten = 0;
        await foreach (Page<KeyOnlyRow> page in table.QueryAsync<KeyOnlyRow>(TableClient.CreateQueryFilter($"UpdatedAtTicks lt {cutoff}"),
                           select: KeyOnlyRow.Columns, cancellationToken: cancellationToken).AsPages().ConfigureAwait(false))
        {
            foreach (KeyOnlyRow row in page.Values)
            {
                if (seen.Add(row.PartitionKey) && await ForgetIfSettledAsync(row.PartitionKey, cutoff, cancellationToken).ConfigureAwait(false)) forgotten++;
            }
        }
        return forgotten;
    }

    private async Task<bool> ForgetIfSettledAsync(string partition, long cutoff, CancellationToken cancellationToken)
    {
        var recipients = new List<TableEntity>();
        var attempts = new List<TableEntity>();
        await foreach (TableEntity row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition}"),
                           select: ["PartitionKey", "RowKey", nameof(DeliveryEntity.Status), nameof(DeliveryEntity.UpdatedAtTicks)],
                           cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            (row.RowKey.StartsWith(DeliveryAttemptEntity.Prefix, StringComparison.Ordinal) ? attempts : recipients).Add(row);
        }
        bool settled = recipients.Count > 0 && recipients.All(r =>
            r.GetString(nameof(DeliveryEntity.Status)) is nameof(DeliveryStatus.Delivered) or nameof(DeliveryStatus.Failed)
            && r.GetInt64(nameof(DeliveryEntity.UpdatedAtTicks)) is { } at && at < cutoff);
        if (!settled) return false;
        try
        {
            foreach (TableEntity[] chunk in recipients.Chunk(TableBatches.MaxActions))
            {
                await table.SubmitAsync([.. chunk.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, r.ETag))], cancellationToken)
                    .ConfigureAwait(false);
            }
        }
        catch (TableTransactionFailedException e) when (e.Status is TableErrors.PreconditionFailed or TableErrors.NotFound)
        {
            return false; // written or forgotten meanwhile: the next sweep looks again
        }
        await table.DeleteRowsAsync(attempts, cancellationToken).ConfigureAwait(false);
        return true;
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
        // Every row of the partition but the attempt rows (RowKey "attempt:…"; a recipient's escaped key has no ':').
        string filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {partition} and (RowKey lt {DeliveryAttemptEntity.Prefix} or RowKey ge {TableKeys.UpperBound(DeliveryAttemptEntity.Prefix)})");
        await foreach (DeliveryEntity row in table.QueryAsync<DeliveryEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            records.Add(new DeliveryRecord(row.MessageId, row.Recipient, Enum.Parse<DeliveryStatus>(row.Status), row.Attempts,
                row.LastReply, StoredTime.FromTicks(row.UpdatedAtTicks)));
        }
        return records;
    }
}
