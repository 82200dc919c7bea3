using CloudMail.ContractTests;
using CloudMail.Core.Mailboxes;
using CloudMail.Storage.Embedded.Mailboxes;
using CloudMail.Storage.Embedded.Sqlite;
using CloudMail.Storage.Embedded.Tests.Support;

namespace CloudMail.Storage.Embedded.Tests;

/// <summary>Embedded mailbox index behaviour beyond the contract.</summary>
public sealed class MailboxIndexTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly ManualClock _clock = new(new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly EmbeddedStorage _store;
    private readonly CancellationToken _ct = CancellationToken.None;

    public MailboxIndexTests() => _store = EmbeddedStorage.Open(_folder.Path, _clock);

    private IMailboxIndex Index => _store.Mailboxes;

    [Fact]
    public async Task Account_names_are_case_insensitive()
    {
        string account = Unique.Account();
        await Index.EnsureDefaultMailboxesAsync(account.ToUpperInvariant(), _ct);

        Assert.Equal(5, (await Index.ListMailboxesAsync(account, _ct)).Count);
    }

    [Fact]
    public async Task UIDVALIDITY_is_the_creation_time_and_grows_even_within_one_second()
    {
        string account = Unique.Account();

        MailboxInfo first = await Index.CreateMailboxAsync(account, "A", SpecialUse.None, _ct);
        MailboxInfo second = await Index.CreateMailboxAsync(account, "B", SpecialUse.None, _ct);

        Assert.Equal((uint)_clock.GetUtcNow().ToUnixTimeSeconds(), first.UidValidity);
        Assert.Equal(first.UidValidity + 1, second.UidValidity);
    }

    [Fact]
    public async Task Recreated_account_gets_new_UIDVALIDITY_values()
    {
        string account = Unique.Account();
        MailboxInfo before = await Index.CreateMailboxAsync(account, "A", SpecialUse.None, _ct);
        await Index.DeleteAccountDataAsync(account, _ct);

        MailboxInfo after = await Index.CreateMailboxAsync(account, "A", SpecialUse.None, _ct);

        Assert.True(after.UidValidity > before.UidValidity);
    }

    [Fact]
    public async Task Rename_fails_when_a_childs_new_name_is_taken()
    {
        string account = Unique.Account();
        foreach (string name in new[] { "A", "A/x", "B/x" }) await Index.CreateMailboxAsync(account, name, SpecialUse.None, _ct);

        await Assert.ThrowsAsync<MailboxExistsException>(() => Index.RenameMailboxAsync(account, "A", "B", _ct));

        Assert.NotNull(await Index.GetMailboxAsync(account, "A/x", _ct));
    }

    [Fact]
    public async Task Rename_under_its_own_child_name_moves_the_whole_subtree()
    {
        string account = Unique.Account();
        foreach (string name in new[] { "A", "A/B" }) await Index.CreateMailboxAsync(account, name, SpecialUse.None, _ct);

        await Assert.ThrowsAsync<MailboxExistsException>(() => Index.RenameMailboxAsync(account, "A", "A/B", _ct));
        await Index.RenameMailboxAsync(account, "A", "A/C", _ct);

        Assert.Equal(["A/C", "A/C/B"], (await Index.ListMailboxesAsync(account, _ct)).Select(m => m.Name));
    }

    [Fact]
    public async Task Concurrent_appends_are_group_committed()
    {
        string account = Unique.Account();
        await Index.EnsureDefaultMailboxesAsync(account, _ct);
        long commitsBefore = _store.MailDatabase.Commits;

        await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => Task.Run(() => Index.AppendAsync(account, DefaultMailboxes.Inbox,
            TestData.BlobRef(), TestData.Now(), MessageFlags.None, [], Unique.MessageId(), _ct))));

        Assert.InRange(_store.MailDatabase.Commits - commitsBefore, 1, 99);
        Assert.Equal(100, (await Index.GetMailboxAsync(account, DefaultMailboxes.Inbox, _ct))!.Messages);
    }

    [Fact]
    public async Task Failing_append_does_not_undo_the_others_committed_with_it()
    {
        string account = Unique.Account();
        await Index.EnsureDefaultMailboxesAsync(account, _ct);

        Task<AppendResult>[] appends = [.. Enumerable.Range(0, 20).Select(i => Index.AppendAsync(account,
            i % 2 == 0 ? DefaultMailboxes.Inbox : "Missing", TestData.BlobRef(), TestData.Now(), MessageFlags.None, [], null, _ct))];

        foreach (Task<AppendResult> append in appends.Where((_, i) => i % 2 == 1))
        {
            await Assert.ThrowsAsync<MailboxNotFoundException>(() => append);
        }
        await Task.WhenAll(appends.Where((_, i) => i % 2 == 0));
        Assert.Equal(10, (await Index.GetMailboxAsync(account, DefaultMailboxes.Inbox, _ct))!.Messages);
    }

    [Fact]
    public async Task Invalid_keywords_are_rejected()
    {
        string account = Unique.Account();
        await Index.EnsureDefaultMailboxesAsync(account, _ct);

        await Assert.ThrowsAsync<ArgumentException>(() => Index.AppendAsync(account, DefaultMailboxes.Inbox,
            TestData.BlobRef(), TestData.Now(), MessageFlags.None, ["two words"], null, _ct));
    }

    [Fact]
    public async Task An_expunge_after_the_retention_period_prunes_the_old_expunge_log_by_itself()
    {
        string account = Unique.Account();
        await Index.EnsureDefaultMailboxesAsync(account, _ct);
        AppendResult a = await Index.AppendAsync(account, DefaultMailboxes.Inbox, TestData.BlobRef(), TestData.Now(), MessageFlags.None, [], null, _ct);
        AppendResult b = await Index.AppendAsync(account, DefaultMailboxes.Inbox, TestData.BlobRef(), TestData.Now(), MessageFlags.None, [], null, _ct);
        AppendResult c = await Index.AppendAsync(account, DefaultMailboxes.Inbox, TestData.BlobRef(), TestData.Now(), MessageFlags.None, [], null, _ct);
        await Index.ExpungeAsync(account, DefaultMailboxes.Inbox, [a.Uid], _ct);
        ulong afterFirst = (await Index.GetMailboxAsync(account, DefaultMailboxes.Inbox, _ct))!.HighestModSeq;

        _clock.Advance(new MailboxIndexOptions().ExpungeLogRetention + TimeSpan.FromHours(2));
        await Index.ExpungeAsync(account, DefaultMailboxes.Inbox, [b.Uid], _ct);

        Assert.False((await Index.GetChangesSinceAsync(account, DefaultMailboxes.Inbox, a.ModSeq, _ct)).Complete);
        MailboxChanges recent = await Index.GetChangesSinceAsync(account, DefaultMailboxes.Inbox, afterFirst, _ct);
        Assert.True(recent.Complete);
        Assert.Equal([b.Uid], recent.Expunged);
        Assert.NotEqual(0u, c.Uid);
    }

    [Theory]
    [InlineData(nameof(MessageTable.ChangedSinceSql), "messages_by_modseq")]
    [InlineData(nameof(MessageTable.ExpungedSinceSql), "expunged_by_modseq")]
    public async Task Changed_since_queries_seek_the_MODSEQ_index_instead_of_reading_the_whole_mailbox(string query, string index)
    {
        string sql = query == nameof(MessageTable.ChangedSinceSql) ? MessageTable.ChangedSinceSql : MessageTable.ExpungedSinceSql;

        List<string> plan = await _store.MailDatabase.ReadAsync(c => c.Query("EXPLAIN QUERY PLAN " + sql, r => r.GetString(3), ("@m", 1L), ("@s", 5L)), _ct);

        Assert.Contains(plan, step => step.Contains($"INDEX {index} (mailbox_id=? AND modseq>?)", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        _store.Dispose();
        _folder.Dispose();
    }
}
