using Azure;
using Azure.Data.Tables;
using CloudMail.ContractTests;
using CloudMail.Core.Mailboxes;
using CloudMail.Storage.Azure.Mailboxes;
using CloudMail.Storage.Azure.Tables;
using CloudMail.Storage.Azure.Tests.Support;

namespace CloudMail.Storage.Azure.Tests.Mailboxes;

/// <summary>
/// The MODSEQ-ordered change index and expunge log on Azurite (<see cref="IndexRows"/>): every message has exactly one change
/// row under its current MODSEQ, so changed-since is one range query; mailboxes from before the index keep working.
/// </summary>
public sealed class ChangeIndexOnTablesTests(AzuriteFixture fixture) : IClassFixture<AzuriteFixture>
{
    private const string Inbox = DefaultMailboxes.Inbox;
    private readonly CancellationToken _ct = new CancellationTokenSource(TimeSpan.FromSeconds(90)).Token;

    private TableClient Table => fixture.Table(AzureResourceNames.Tables.MailboxIndex);

    [Fact]
    public async Task Every_message_has_one_change_row_under_its_current_MODSEQ_and_expunges_are_logged_by_MODSEQ()
    {
        IMailboxIndex index = fixture.Mailboxes;
        string account = Unique.Account();
        await index.EnsureDefaultMailboxesAsync(account, _ct);
        var uids = new List<uint>();
        for (int i = 0; i < 4; i++) uids.Add((await index.AppendAsync(account, Inbox, TestData.BlobRef(), TestData.Now(), MessageFlags.None, [], null, _ct)).Uid);
        await index.UpdateFlagsAsync(account, Inbox, [uids[0], uids[1]], new FlagUpdate(FlagUpdateMode.Add, MessageFlags.Seen, []), null, _ct);
        await index.ExpungeAsync(account, Inbox, [uids[2]], _ct);
        await index.RenameMailboxAsync(account, Inbox, "Moved", _ct);
        await index.AppendAsync(account, Inbox, TestData.BlobRef(), TestData.Now(), MessageFlags.None, [], null, _ct);

        foreach (string mailbox in new[] { Inbox, "Moved" })
        {
            long id = (await index.GetMailboxAsync(account, mailbox, _ct))!.UidValidity;
            IEnumerable<(uint, ulong)> messages = (await index.GetMessagesAsync(account, mailbox, _ct)).Select(m => (m.Uid, m.ModSeq));
            List<MessageRow> changeRows = await RowsAsync<MessageRow>(account, IndexRows.ChangePrefix(id));
            Assert.Equal(messages.Order(), changeRows.Select(r => ((uint)r.Uid, (ulong)r.ModSeq)).Order());
            Assert.All(changeRows, r => Assert.Equal(IndexRows.Change(id, (ulong)r.ModSeq), r.RowKey));
        }
        long inboxId = (await index.GetMailboxAsync(account, Inbox, _ct))!.UidValidity;
        List<ExpungedRow> log = await RowsAsync<ExpungedRow>(account, IndexRows.ExpungeLogPrefix(inboxId));
        Assert.Equal([uids[2], uids[0], uids[1], uids[3]], log.Select(r => (uint)r.Uid)); // by MODSEQ: the expunge, then the move
    }

    [Fact]
    public async Task A_mailbox_from_before_the_change_index_still_answers_changed_since_and_keeps_working()
    {
        IMailboxIndex index = fixture.Mailboxes;
        string account = Unique.Account();
        await index.EnsureDefaultMailboxesAsync(account, _ct);
        AppendResult a = await index.AppendAsync(account, Inbox, TestData.BlobRef(), TestData.Now(), MessageFlags.None, [], null, _ct);
        AppendResult b = await index.AppendAsync(account, Inbox, TestData.BlobRef(), TestData.Now(), MessageFlags.None, [], null, _ct);
        long id = a.UidValidity;
        // What a mailbox written by the earlier layout looks like: no change rows, no flag, an expunge logged by UID.
        string partition = TableKeys.Escape(account);
        await Table.DeleteRowsAsync(await RowsAsync<MessageRow>(account, IndexRows.ChangePrefix(id)), _ct);
        await Table.UpdateEntityAsync(new TableEntity(partition, IndexRows.Mailbox(Inbox)) { ["ChangeIndexed"] = false }, ETag.All, TableUpdateMode.Merge, _ct);
        await Table.AddEntityAsync(new ExpungedRow { PartitionKey = partition, RowKey = $"xpg:{id:D10}:{99:D10}", Uid = 99, ModSeq = (long)b.ModSeq }, _ct);
        ulong since = a.ModSeq;

        await index.UpdateFlagsAsync(account, Inbox, [a.Uid], new FlagUpdate(FlagUpdateMode.Add, MessageFlags.Flagged, []), null, _ct);
        await index.ExpungeAsync(account, Inbox, [b.Uid], _ct);
        MailboxChanges changes = await index.GetChangesSinceAsync(account, Inbox, since, _ct);

        Assert.True(changes.Complete);
        Assert.Equal(MessageFlags.Flagged, Assert.Single(changes.Changed).Flags);
        Assert.Equal([b.Uid, 99u], changes.Expunged);
        Assert.Empty(await RowsAsync<MessageRow>(account, IndexRows.ChangePrefix(id)));
        DateTimeOffset later = DateTimeOffset.UtcNow.AddMinutes(1);
        Assert.Equal(2, (await index.PruneAsync(account, new PruneCutoffs(later, later), _ct)).ExpungeEntries); // both layouts
        Assert.False((await index.GetChangesSinceAsync(account, Inbox, since, _ct)).Complete);
    }

    private async Task<List<T>> RowsAsync<T>(string account, string prefix) where T : class, ITableEntity, new()
    {
        var rows = new List<T>();
        await foreach (T row in Table.QueryAsync<T>(TableQueries.RowPrefix(TableKeys.Escape(account), prefix), cancellationToken: _ct)) rows.Add(row);
        return rows;
    }
}
