using Azure;
using Azure.Data.Tables;
using CloudMail.ContractTests;
using CloudMail.Core.Mailboxes;
using CloudMail.Storage.Azure.Mailboxes;
using CloudMail.Storage.Azure.Tables;
using CloudMail.Storage.Azure.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace CloudMail.Storage.Azure.Tests.Mailboxes;

/// <summary>
/// Azure-specific behaviour of the mailbox index on Azurite, beyond the contract: ETag races between
/// processes, operations larger than one entity-group transaction, escaping, and the partition layout.
/// </summary>
public sealed class MailboxIndexOnTablesTests(AzuriteFixture fixture) : IClassFixture<AzuriteFixture>
{
    private const string Inbox = DefaultMailboxes.Inbox;
    private readonly CancellationToken _ct = new CancellationTokenSource(TimeSpan.FromSeconds(90)).Token;

    [Fact]
    public async Task Appends_from_two_processes_to_one_mailbox_get_distinct_UIDs_through_ETag_retries()
    {
        AzureMailboxIndex first = fixture.NewMailboxIndex(new AzureStorageOptions { MaxConcurrencyAttempts = 50 });
        AzureMailboxIndex second = fixture.NewMailboxIndex(new AzureStorageOptions { MaxConcurrencyAttempts = 50 });
        string account = Unique.Account();
        await first.EnsureDefaultMailboxesAsync(account, _ct);

        AppendResult[] results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
            (i % 2 == 0 ? first : second).AppendAsync(account, Inbox, TestData.BlobRef(10), TestData.Now(), MessageFlags.None, [], null, _ct)));

        Assert.Equal(16, results.Select(r => r.Uid).Distinct().Count());
        Assert.Equal(16, results.Select(r => r.ModSeq).Distinct().Count());
        MailboxInfo inbox = (await first.GetMailboxAsync(account, Inbox, _ct))!;
        Assert.Equal((16, 160L), (inbox.Messages, inbox.Size));
        Assert.Equal(results.Max(r => r.ModSeq), inbox.HighestModSeq);
    }

    [Fact]
    public async Task An_append_that_loses_an_ETag_race_rereads_and_commits_once()
    {
        (AzureMailboxIndex index, InterferingTableClient table) = IndexWithInterference(new AzureStorageOptions());
        string account = Unique.Account();
        await index.EnsureDefaultMailboxesAsync(account, _ct);
        table.BeforeTransaction = n => n == 2 ? TouchMailboxAsync(account, Inbox) : Task.CompletedTask;

        AppendResult appended = await index.AppendAsync(account, Inbox, TestData.BlobRef(), TestData.Now(), MessageFlags.None, [], "key-1", _ct);

        Assert.Equal(3, table.Transactions);
        Assert.False(appended.AlreadyPresent);
        Assert.Equal(appended.Uid, Assert.Single(await index.GetMessagesAsync(account, Inbox, _ct)).Uid);
    }

    [Fact]
    public async Task An_append_that_loses_every_race_throws_MailboxConflictException_and_writes_nothing()
    {
        (AzureMailboxIndex index, InterferingTableClient table) = IndexWithInterference(new AzureStorageOptions { MaxConcurrencyAttempts = 3 });
        string account = Unique.Account();
        await index.EnsureDefaultMailboxesAsync(account, _ct);
        table.BeforeTransaction = _ => TouchMailboxAsync(account, Inbox);

        await Assert.ThrowsAsync<MailboxConflictException>(
            () => index.AppendAsync(account, Inbox, TestData.BlobRef(), TestData.Now(), MessageFlags.None, [], "key-1", _ct));

        Assert.Empty(await index.GetMessagesAsync(account, Inbox, _ct));
        table.BeforeTransaction = null;
        Assert.False((await index.AppendAsync(account, Inbox, TestData.BlobRef(), TestData.Now(), MessageFlags.None, [], "key-1", _ct)).AlreadyPresent);
    }

    [Fact]
    public async Task A_redelivered_append_in_another_process_is_a_no_op()
    {
        AzureMailboxIndex first = fixture.NewMailboxIndex(new AzureStorageOptions());
        AzureMailboxIndex second = fixture.NewMailboxIndex(new AzureStorageOptions());
        string account = Unique.Account();
        await first.EnsureDefaultMailboxesAsync(account, _ct);
        string key = Unique.MessageId() + ":" + account;

        AppendResult original = await first.AppendAsync(account, Inbox, TestData.BlobRef(), TestData.Now(), MessageFlags.None, [], key, _ct);
        AppendResult redelivered = await second.AppendAsync(account, Inbox, TestData.BlobRef(), TestData.Now(), MessageFlags.None, [], key, _ct);

        Assert.True(redelivered.AlreadyPresent);
        Assert.Equal(original.Uid, redelivered.Uid);
        Assert.Single(await first.GetMessagesAsync(account, Inbox, _ct));
    }

    [Fact]
    public async Task Store_expunge_and_copy_of_more_messages_than_one_transaction_holds()
    {
        IMailboxIndex index = fixture.Mailboxes;
        string account = Unique.Account();
        await index.EnsureDefaultMailboxesAsync(account, _ct);
        await index.CreateMailboxAsync(account, "Archive", SpecialUse.Archive, _ct);
        var uids = new List<uint>();
        for (int i = 0; i < 120; i++)
        {
            uids.Add((await index.AppendAsync(account, Inbox, TestData.BlobRef(10), TestData.Now(), MessageFlags.None, [], null, _ct)).Uid);
        }

        FlagUpdateResult stored = await index.UpdateFlagsAsync(account, Inbox, uids, new FlagUpdate(FlagUpdateMode.Add, MessageFlags.Seen, []), null, _ct);
        CopyResult copied = await index.CopyAsync(account, Inbox, uids, "Archive", _ct);
        IReadOnlyList<uint> expunged = await index.ExpungeAsync(account, Inbox, uids.Take(110).ToList(), _ct);

        Assert.Equal(120, stored.Updated.Select(m => m.ModSeq).Distinct().Count());
        Assert.Equal(120, copied.DestinationUids.Distinct().Count());
        Assert.Equal(uids.Take(110), expunged);
        MailboxInfo inbox = (await index.GetMailboxAsync(account, Inbox, _ct))!;
        MailboxInfo archive = (await index.GetMailboxAsync(account, "Archive", _ct))!;
        Assert.Equal((10, 0, 100L), (inbox.Messages, inbox.Unseen, inbox.Size));
        Assert.Equal((120, 0, 1200L), (archive.Messages, archive.Unseen, archive.Size));
        Assert.Equal(110, (await index.GetChangesSinceAsync(account, Inbox, stored.Updated.Max(m => m.ModSeq), _ct)).Expunged.Count);
    }

    [Fact]
    public async Task Renaming_a_tree_larger_than_one_transaction_moves_every_mailbox()
    {
        IMailboxIndex index = fixture.Mailboxes;
        string account = Unique.Account();
        await index.EnsureDefaultMailboxesAsync(account, _ct);
        await index.CreateMailboxAsync(account, "Years", SpecialUse.None, _ct);
        for (int i = 0; i < 60; i++) await index.CreateMailboxAsync(account, $"Years/{2000 + i}", SpecialUse.None, _ct);
        await index.AppendAsync(account, "Years/2042", TestData.BlobRef(7), TestData.Now(), MessageFlags.None, [], null, _ct);

        await index.RenameMailboxAsync(account, "Years", "Old/Years", _ct);

        IReadOnlyList<string> names = [.. (await index.ListMailboxesAsync(account, _ct)).Select(m => m.Name)];
        Assert.Equal(61, names.Count(n => n.StartsWith("Old/Years", StringComparison.Ordinal)));
        Assert.DoesNotContain(names, n => n.StartsWith("Years", StringComparison.Ordinal));
        Assert.Single(await index.GetMessagesAsync(account, "Old/Years/2042", _ct));
    }

    [Fact]
    public async Task Rename_into_a_name_held_by_a_moving_child_replaces_it_in_one_transaction()
    {
        IMailboxIndex index = fixture.Mailboxes;
        string account = Unique.Account();
        await index.EnsureDefaultMailboxesAsync(account, _ct);
        foreach (string name in new[] { "a", "a/d", "a/c/d" }) await index.CreateMailboxAsync(account, name, SpecialUse.None, _ct);
        MailboxInfo child = (await index.GetMailboxAsync(account, "a/d", _ct))!;
        MailboxInfo grandchild = (await index.GetMailboxAsync(account, "a/c/d", _ct))!;

        // "a" -> "a/c": "a/d" becomes "a/c/d", the name "a/c/d" holds now, which itself becomes "a/c/c/d".
        await index.RenameMailboxAsync(account, "a", "a/c", _ct);

        Assert.Equal(child.UidValidity, (await index.GetMailboxAsync(account, "a/c/d", _ct))!.UidValidity);
        Assert.Equal(grandchild.UidValidity, (await index.GetMailboxAsync(account, "a/c/c/d", _ct))!.UidValidity);
        Assert.Null(await index.GetMailboxAsync(account, "a", _ct));
        Assert.Null(await index.GetMailboxAsync(account, "a/d", _ct));
    }

    [Fact]
    public async Task Names_and_keys_with_characters_Table_keys_forbid_work()
    {
        IMailboxIndex index = fixture.Mailboxes;
        string account = $"o'brien/ops#{Guid.NewGuid():N}?x@contract.test";
        await index.EnsureDefaultMailboxesAsync(account, _ct);
        const string name = "Reports/Q1 #1?\\draft:50%";

        await index.CreateMailboxAsync(account, name, SpecialUse.None, _ct);
        AppendResult appended = await index.AppendAsync(account, name, TestData.BlobRef(), TestData.Now(), MessageFlags.None, ["$Label#1"], "id/with#odd?chars\\", _ct);
        await index.SetSubscribedAsync(account, name, true, _ct);

        Assert.NotNull(await index.GetMailboxAsync(account, name, _ct));
        Assert.Null(await index.GetMailboxAsync(account, "Reports", _ct));
        Assert.Equal(appended.Uid, Assert.Single(await index.GetMessagesAsync(account, name, _ct)).Uid);
        Assert.True((await index.AppendAsync(account, Inbox, TestData.BlobRef(), TestData.Now(), MessageFlags.None, [], "id/with#odd?chars\\", _ct)).AlreadyPresent);
        Assert.Contains(name, await index.ListSubscriptionsAsync(account, _ct));
    }

    [Fact]
    public async Task Very_long_idempotency_keys_are_stored_by_hash()
    {
        IMailboxIndex index = fixture.Mailboxes;
        string account = Unique.Account();
        await index.EnsureDefaultMailboxesAsync(account, _ct);
        string key = new('k', 2000);

        await index.AppendAsync(account, Inbox, TestData.BlobRef(), TestData.Now(), MessageFlags.None, [], key, _ct);

        Assert.True((await index.AppendAsync(account, Inbox, TestData.BlobRef(), TestData.Now(), MessageFlags.None, [], key, _ct)).AlreadyPresent);
        Assert.False((await index.AppendAsync(account, Inbox, TestData.BlobRef(), TestData.Now(), MessageFlags.None, [], key + "x", _ct)).AlreadyPresent);
    }

    [Fact]
    public async Task Mailbox_names_that_escape_past_the_key_limit_are_keyed_by_hash_and_every_key_stays_within_it()
    {
        IMailboxIndex index = fixture.Mailboxes;
        string account = Unique.Account();
        await index.EnsureDefaultMailboxesAsync(account, _ct);
        string fits = new string('a', TableKeys.MaxKeyLength - IndexRows.MailboxPrefix.Length); // "box:" + name: exactly the limit
        string escapesPast = string.Concat(Enumerable.Repeat("a/", 130)) + "z"; // 261 characters, 521 escaped

        foreach (string name in new[] { fits, escapesPast, escapesPast + "/child" })
        {
            await index.CreateMailboxAsync(account, name, SpecialUse.None, _ct);
            await index.SetSubscribedAsync(account, name, true, _ct);
        }

        TableClient table = fixture.Table(AzureResourceNames.Tables.MailboxIndex);
        var keys = table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.Escape(account)}"), cancellationToken: _ct)
            .ToBlockingEnumerable(_ct).Select(r => r.RowKey).ToList();
        Assert.All(keys, k => Assert.InRange(k.Length, 1, TableKeys.MaxKeyLength));
        Assert.Contains(IndexRows.MailboxPrefix + fits, keys);
        Assert.Equal(2, keys.Count(k => k.StartsWith(IndexRows.HashedMailboxPrefix, StringComparison.Ordinal)));
        Assert.Equal(2, keys.Count(k => k.StartsWith("sub::", StringComparison.Ordinal)));
        Assert.Contains(escapesPast + "/child", await index.ListSubscriptionsAsync(account, _ct));
    }

    [Fact]
    public async Task An_account_is_one_partition_and_its_account_row_survives_deleting_its_data()
    {
        IMailboxIndex index = fixture.Mailboxes;
        string account = Unique.Account();
        await index.EnsureDefaultMailboxesAsync(account, _ct);
        uint before = (await index.GetMailboxAsync(account, Inbox, _ct))!.UidValidity;
        await index.AppendAsync(account, Inbox, TestData.BlobRef(), TestData.Now(), MessageFlags.None, [], "k", _ct);

        await index.DeleteAccountDataAsync(account, _ct);
        await index.EnsureDefaultMailboxesAsync(account, _ct);

        TableClient table = fixture.Table(AzureResourceNames.Tables.MailboxIndex);
        var rows = table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.Escape(account)}"), cancellationToken: _ct)
            .ToBlockingEnumerable(_ct).Select(r => r.RowKey).ToList();
        Assert.Contains("acct", rows);
        Assert.Equal(5, rows.Count(r => r.StartsWith("box:", StringComparison.Ordinal)));
        Assert.DoesNotContain(rows, r => r.StartsWith("msg:", StringComparison.Ordinal) || r.StartsWith("key:", StringComparison.Ordinal));
        Assert.True((await index.GetMailboxAsync(account, Inbox, _ct))!.UidValidity > before);
    }

    private (AzureMailboxIndex Index, InterferingTableClient Table) IndexWithInterference(AzureStorageOptions options)
    {
        var table = new InterferingTableClient(fixture.Table(AzureResourceNames.Tables.MailboxIndex));
        return (new AzureMailboxIndex(table, fixture.References, options, TimeProvider.System, NullLogger<AzureMailboxIndex>.Instance), table);
    }

    /// <summary>What another process's write does to the mailbox row: a new ETag.</summary>
    private Task TouchMailboxAsync(string account, string mailbox) =>
        fixture.Table(AzureResourceNames.Tables.MailboxIndex).UpdateEntityAsync(
            new TableEntity(TableKeys.Escape(account), "box:" + TableKeys.Escape(mailbox)) { ["TouchedBy"] = "test" }, ETag.All, TableUpdateMode.Merge, _ct);
}
