using CloudMail.Core.Mailboxes;
using CloudMail.Storage.Azure.Tables;
using Microsoft.Extensions.Logging;

namespace CloudMail.Storage.Azure.Mailboxes;

/// <summary>DELETE of one mailbox, and removal of all of an account's index data.</summary>
internal static partial class MailboxRemoval
{
    /// <summary>
    /// Records the blobs of its messages as reclaim candidates, then deletes the mailbox row (conditioned on the ETag read
    /// before the messages were listed: the commit point, so no message added meanwhile goes without its candidate; from
    /// then on the mailbox does not exist), then its message and expunge-log rows in transactions of 100. Children stay
    /// (RFC 9051 §6.3.4). A crash before the commit point leaves spare candidates only, which the reclaimer drops.
    /// If the clean-up is interrupted, the remaining rows are unreachable garbage: they are keyed by the
    /// deleted mailbox's id, which is never handed out again, and quota counts only live mailboxes.
    /// Throws <see cref="InvalidOperationException"/> for INBOX and <see cref="MailboxNotFoundException"/> when absent.
    /// </summary>
    public static async Task DeleteAsync(MailboxPartition partition, string name, CandidateRecorder recordCandidates, ILogger logger,
        CancellationToken cancellationToken)
    {
        if (name == DefaultMailboxes.Inbox) throw new InvalidOperationException("INBOX cannot be deleted.");
        long mailboxId = await partition.RetryAsync("DeleteMailbox", async ct =>
        {
            MailboxRow row = await partition.RequireAsync(name, ct).ConfigureAwait(false);
            List<MessageRow> messages = await partition.MessagesAsync(row.MailboxId, ct).ConfigureAwait(false);
            await recordCandidates(messages.Select(m => m.BlobId), ct).ConfigureAwait(false);
            await partition.DeleteAsync(row.RowKey, row.ETag, ct).ConfigureAwait(false);
            return row.MailboxId;
        }, cancellationToken).ConfigureAwait(false);
        List<KeyOnlyRow> leftovers = await partition.MessageAndExpungeKeysAsync(mailboxId, cancellationToken).ConfigureAwait(false);
        await partition.DeleteRowsAsync(leftovers, cancellationToken).ConfigureAwait(false);
        LogDeleted(logger, partition.Account, mailboxId, leftovers.Count);
    }

    /// <summary>
    /// Erases the account's partition, leaving nothing keyed by or naming the address: first raises the erased accounts'
    /// UIDVALIDITY high-water mark to the account row's (so a recreated account's mailboxes get new UIDVALIDITY values and
    /// row ids), records the blobs of its message rows as reclaim candidates, hands its blob holder rows to
    /// <see cref="IndexRows.ErasedAccounts"/>, then deletes every row, the account row last. Each step is idempotent,
    /// so an interrupted erasure is completed by running it again.
    /// </summary>
    public static async Task DeleteAccountDataAsync(MailboxPartition partition, CandidateRecorder recordCandidates, AzureMessageReferences references,
        ILogger logger, CancellationToken cancellationToken)
    {
        if (await partition.AccountRowAsync(cancellationToken).ConfigureAwait(false) is { } account)
        {
            await partition.RaiseErasedAccountsAsync(account.LastUidValidity, cancellationToken).ConfigureAwait(false);
        }
        List<KeyAndBlobRow> rows = await partition.AllKeysAsync(cancellationToken).ConfigureAwait(false);
        List<string> blobIds = [.. rows.Where(r => r.RowKey.StartsWith(IndexRows.AnyMessagePrefix, StringComparison.Ordinal) && r.BlobId is not null)
            .Select(r => r.BlobId!).Distinct(StringComparer.Ordinal)];
        await recordCandidates(blobIds, cancellationToken).ConfigureAwait(false);
        await references.HandOverToErasedAsync(partition.Account, cancellationToken).ConfigureAwait(false);
        await partition.DeleteRowsAsync(rows.OrderBy(r => r.RowKey == IndexRows.Account), cancellationToken).ConfigureAwait(false);
        LogAccountDeleted(logger, partition.Account, rows.Count);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted mailbox {MailboxId} of {Account} with {Rows} message/expunge row(s)")]
    private static partial void LogDeleted(ILogger logger, string account, long mailboxId, int rows);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted the mailbox index data of {Account}: {Rows} row(s)")]
    private static partial void LogAccountDeleted(ILogger logger, string account, int rows);
}
