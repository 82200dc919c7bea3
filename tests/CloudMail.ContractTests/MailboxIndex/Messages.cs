using CloudMail.Core.Mailboxes;
using CloudMail.Core.Blobs;

namespace CloudMail.ContractTests;

public abstract partial class MailboxIndexContractTests
{
    [Fact]
    public async Task Append_assigns_ascending_UIDs_and_updates_the_mailbox_state()
    {
        string account = await NewAccountAsync();
        MailboxInfo before = await MailboxAsync(account);
        BlobRef small = TestData.BlobRef(100);
        BlobRef large = TestData.BlobRef(5000);

        AppendResult first = await AppendAsync(account, blob: small);
        AppendResult second = await AppendAsync(account, flags: MessageFlags.Seen, blob: large);

        Assert.Equal(before.UidNext, first.Uid);
        Assert.True(second.Uid > first.Uid);
        Assert.Equal(before.UidValidity, first.UidValidity);
        Assert.False(first.AlreadyPresent);
        MailboxInfo after = await MailboxAsync(account);
        Assert.Equal(second.Uid + 1, after.UidNext);
        Assert.Equal((2, 1, 5100L), (after.Messages, after.Unseen, after.Size));
        Assert.Equal(second.ModSeq, after.HighestModSeq);
    }

    [Fact]
    public async Task Appended_message_keeps_blob_date_flags_and_keywords()
    {
        string account = await NewAccountAsync();
        BlobRef blob = TestData.BlobRef(4321);
        var internalDate = new DateTimeOffset(2024, 2, 29, 13, 45, 10, TimeSpan.FromHours(2));

        AppendResult appended = await Index.AppendAsync(account, Inbox, blob, internalDate,
            MessageFlags.Seen | MessageFlags.Flagged, ["$Forwarded", "Work"], null, Ct);

        MessageRecord message = Assert.Single(await Index.GetMessagesAsync(account, Inbox, Ct));
        Assert.Equal(appended.Uid, message.Uid);
        Assert.Equal(blob, message.Blob);
        Assert.Equal(4321, message.Size);
        Assert.Equal(internalDate, message.InternalDate);
        Assert.Equal(MessageFlags.Seen | MessageFlags.Flagged, message.Flags);
        AssertKeywords(["$Forwarded", "Work"], message.Keywords);
        Assert.Equal(appended.ModSeq, message.ModSeq);
    }

    [Fact]
    public async Task Append_with_same_idempotency_key_adds_one_message()
    {
        string account = await NewAccountAsync();
        string key = Unique.MessageId() + ":" + account;

        AppendResult first = await AppendAsync(account, idempotencyKey: key);
        AppendResult again = await AppendAsync(account, idempotencyKey: key);

        Assert.False(first.AlreadyPresent);
        Assert.True(again.AlreadyPresent);
        Assert.Equal((first.UidValidity, first.Uid, first.ModSeq), (again.UidValidity, again.Uid, again.ModSeq));
        Assert.Single(await Index.GetMessagesAsync(account, Inbox, Ct));
        Assert.Equal(1, (await MailboxAsync(account)).Messages);
    }

    [Fact]
    public async Task Idempotency_key_is_remembered_across_mailboxes_of_the_account()
    {
        string account = await NewAccountAsync();
        string key = Unique.MessageId();
        await AppendAsync(account, Inbox, idempotencyKey: key);

        AppendResult again = await AppendAsync(account, "Junk", idempotencyKey: key);

        Assert.True(again.AlreadyPresent);
        Assert.Empty(await Index.GetMessagesAsync(account, "Junk", Ct));
    }

    [Fact]
    public async Task Idempotency_keys_of_different_accounts_do_not_collide()
    {
        string alice = await NewAccountAsync();
        string bob = await NewAccountAsync();
        string key = Unique.MessageId();

        AppendResult forAlice = await AppendAsync(alice, idempotencyKey: key);
        AppendResult forBob = await AppendAsync(bob, idempotencyKey: key);

        Assert.False(forAlice.AlreadyPresent);
        Assert.False(forBob.AlreadyPresent);
        Assert.Single(await Index.GetMessagesAsync(bob, Inbox, Ct));
    }

    [Fact]
    public async Task Appends_without_idempotency_key_all_count()
    {
        string account = await NewAccountAsync();
        BlobRef blob = TestData.BlobRef();

        await AppendAsync(account, blob: blob);
        await AppendAsync(account, blob: blob);

        Assert.Equal(2, (await Index.GetMessagesAsync(account, Inbox, Ct)).Count);
    }

    [Fact]
    public async Task Append_to_a_missing_mailbox_throws_MailboxNotFoundException()
    {
        string account = await NewAccountAsync();

        await Assert.ThrowsAsync<MailboxNotFoundException>(() => AppendAsync(account, "Nope"));
    }

    [Fact]
    public async Task Messages_of_a_missing_mailbox_cannot_be_read_or_changed()
    {
        string account = await NewAccountAsync();
        uint[] uids = [1];

        await Assert.ThrowsAsync<MailboxNotFoundException>(() => Index.GetMessagesAsync(account, "Nope", Ct));
        await Assert.ThrowsAsync<MailboxNotFoundException>(() => Index.GetChangesSinceAsync(account, "Nope", 0, Ct));
        await Assert.ThrowsAsync<MailboxNotFoundException>(
            () => Index.UpdateFlagsAsync(account, "Nope", uids, Flags(FlagUpdateMode.Add, MessageFlags.Seen), null, Ct));
        await Assert.ThrowsAsync<MailboxNotFoundException>(() => Index.ExpungeAsync(account, "Nope", uids, Ct));
    }

    [Fact]
    public async Task UIDs_are_never_reused_after_expunge()
    {
        string account = await NewAccountAsync();
        AppendResult first = await AppendAsync(account);
        AppendResult second = await AppendAsync(account);
        await Index.ExpungeAsync(account, Inbox, [first.Uid, second.Uid], Ct);

        AppendResult third = await AppendAsync(account);

        Assert.True(third.Uid > second.Uid);
        Assert.Equal(first.UidValidity, third.UidValidity);
    }

    [Fact]
    public async Task A_list_for_a_view_is_the_list_without_the_blob_hashes()
    {
        string account = await NewAccountAsync();
        await Index.AppendAsync(account, Inbox, TestData.BlobRef(4321), TestData.Now(), MessageFlags.Seen, ["Work"], null, Ct);
        await AppendAsync(account);
        IReadOnlyList<MessageRecord> listed = await Index.GetMessagesAsync(account, Inbox, Ct);

        IReadOnlyList<MessageRecord> viewed = await Index.ListForViewAsync(account, Inbox, Ct);

        Assert.All(listed, m => Assert.Equal(64, m.Blob.Sha256.Length));
        Assert.Equal(listed.Select(m => (m.Uid, m.Blob.Id, m.Size, m.InternalDate, m.Flags, m.ModSeq, m.SaveDate, m.Structure)),
            viewed.Select(m => (m.Uid, m.Blob.Id, m.Size, m.InternalDate, m.Flags, m.ModSeq, m.SaveDate, m.Structure)));
        Assert.Equal(listed.Select(m => string.Join(' ', m.Keywords)), viewed.Select(m => string.Join(' ', m.Keywords)));
        Assert.All(viewed, m => Assert.Equal("", m.Blob.Sha256));
        await Assert.ThrowsAsync<MailboxNotFoundException>(() => Index.ListForViewAsync(account, "Nope", Ct));
    }

    [Fact]
    public async Task Messages_are_listed_in_ascending_UID_order()
    {
        string account = await NewAccountAsync();
        for (int i = 0; i < 5; i++) await AppendAsync(account);

        IReadOnlyList<uint> uids = [.. (await Index.GetMessagesAsync(account, Inbox, Ct)).Select(m => m.Uid)];

        Assert.Equal(5, uids.Count);
        Assert.Equal(uids.Order(), uids);
    }

    [Fact]
    public async Task Concurrent_appends_get_distinct_UIDs_and_MODSEQs()
    {
        string account = await NewAccountAsync();

        AppendResult[] results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => AppendAsync(account)));

        Assert.Equal(20, results.Select(r => r.Uid).Distinct().Count());
        Assert.Equal(20, results.Select(r => r.ModSeq).Distinct().Count());
        MailboxInfo inbox = await MailboxAsync(account);
        Assert.Equal(20, inbox.Messages);
        Assert.Equal(results.Max(r => r.ModSeq), inbox.HighestModSeq);
        Assert.True(inbox.UidNext > results.Max(r => r.Uid));
    }

    [Fact]
    public async Task Expunge_returns_the_removed_UIDs_ascending_and_ignores_unknown_ones()
    {
        string account = await NewAccountAsync();
        AppendResult a = await AppendAsync(account);
        AppendResult b = await AppendAsync(account, flags: MessageFlags.Seen);
        AppendResult c = await AppendAsync(account);

        IReadOnlyList<uint> removed = await Index.ExpungeAsync(account, Inbox, [c.Uid, 999_999, a.Uid], Ct);

        Assert.Equal([a.Uid, c.Uid], removed);
        Assert.Equal(b.Uid, Assert.Single(await Index.GetMessagesAsync(account, Inbox, Ct)).Uid);
        MailboxInfo inbox = await MailboxAsync(account);
        Assert.Equal((1, 0), (inbox.Messages, inbox.Unseen));
        Assert.Empty(await Index.ExpungeAsync(account, Inbox, [a.Uid], Ct));
    }

    [Fact]
    public async Task Copy_keeps_blob_flags_and_keywords_under_new_UIDs()
    {
        string account = await NewAccountAsync();
        MailboxInfo archive = await Index.CreateMailboxAsync(account, "Archive", SpecialUse.Archive, Ct);
        AppendResult a = await AppendAsync(account, flags: MessageFlags.Seen | MessageFlags.Flagged, keywords: ["$Label1"]);
        AppendResult b = await AppendAsync(account, keywords: ["Work"]);
        IReadOnlyList<MessageRecord> originals = await Index.GetMessagesAsync(account, Inbox, Ct);

        CopyResult copy = await Index.CopyAsync(account, Inbox, [b.Uid, a.Uid, 999_999], "Archive", Ct);

        Assert.Equal(archive.UidValidity, copy.DestinationUidValidity);
        Assert.Equal([a.Uid, b.Uid], copy.SourceUids);
        Assert.Equal(2, copy.DestinationUids.Count);
        Assert.Equal(copy.DestinationUids.Order(), copy.DestinationUids);
        IReadOnlyList<MessageRecord> copies = await Index.GetMessagesAsync(account, "Archive", Ct);
        Assert.Equal(copy.DestinationUids, copies.Select(m => m.Uid));
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(originals[i].Blob, copies[i].Blob);
            Assert.Equal(originals[i].Flags, copies[i].Flags);
            AssertKeywords(originals[i].Keywords, copies[i].Keywords);
        }
        MailboxInfo after = await MailboxAsync(account, "Archive");
        Assert.Equal((2, 1, originals.Sum(m => m.Size)), (after.Messages, after.Unseen, after.Size));
        Assert.Equal(copy.DestinationUids[^1] + 1, after.UidNext);
        Assert.Equal(2, (await MailboxAsync(account)).Messages);
    }

    [Fact]
    public async Task Copy_into_the_same_mailbox_adds_new_messages()
    {
        string account = await NewAccountAsync();
        AppendResult a = await AppendAsync(account);

        CopyResult copy = await Index.CopyAsync(account, Inbox, [a.Uid], Inbox, Ct);

        Assert.True(Assert.Single(copy.DestinationUids) > a.Uid);
        Assert.Equal(2, (await MailboxAsync(account)).Messages);
    }

    [Fact]
    public async Task Copy_from_or_to_a_missing_mailbox_throws_MailboxNotFoundException()
    {
        string account = await NewAccountAsync();
        AppendResult a = await AppendAsync(account);

        await Assert.ThrowsAsync<MailboxNotFoundException>(() => Index.CopyAsync(account, Inbox, [a.Uid], "Nope", Ct));
        await Assert.ThrowsAsync<MailboxNotFoundException>(() => Index.CopyAsync(account, "Nope", [a.Uid], Inbox, Ct));
    }

    [Fact]
    public async Task Quota_usage_sums_messages_and_bytes_across_mailboxes()
    {
        string account = await NewAccountAsync();
        AppendResult a = await AppendAsync(account, blob: TestData.BlobRef(1000));
        await AppendAsync(account, "Sent", blob: TestData.BlobRef(200));
        await Index.CopyAsync(account, Inbox, [a.Uid], "Trash", Ct);

        Assert.Equal(new QuotaUsage(2200, 3), await Index.GetQuotaUsageAsync(account, Ct));

        await Index.ExpungeAsync(account, Inbox, [a.Uid], Ct);
        Assert.Equal(new QuotaUsage(1200, 2), await Index.GetQuotaUsageAsync(account, Ct));
    }
}
