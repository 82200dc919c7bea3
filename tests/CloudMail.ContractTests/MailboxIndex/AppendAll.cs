using CloudMail.Core.Mailboxes;

namespace CloudMail.ContractTests;

/// <summary><see cref="IMailboxIndex.AppendAllAsync"/>: several messages as one change (IMAP MULTIAPPEND).</summary>
public abstract partial class MailboxIndexContractTests
{
    private static MessageToAppend NewMessage(long size, MessageFlags flags = MessageFlags.None, params string[] keywords) =>
        new(TestData.BlobRef(size), TestData.Now(), flags, keywords);

    [Fact]
    public async Task AppendAll_adds_the_messages_in_order_under_ascending_UIDs()
    {
        string account = await NewAccountAsync();
        MailboxInfo before = await MailboxAsync(account);
        MessageToAppend[] messages = [NewMessage(100), NewMessage(200, MessageFlags.Seen | MessageFlags.Flagged, "Work"), NewMessage(300)];

        IReadOnlyList<AppendResult> results = await Index.AppendAllAsync(account, Inbox, messages, Ct);

        Assert.Equal([before.UidNext, before.UidNext + 1, before.UidNext + 2], results.Select(r => r.Uid));
        Assert.All(results, r => Assert.Equal(before.UidValidity, r.UidValidity));
        Assert.True(results[0].ModSeq < results[1].ModSeq && results[1].ModSeq < results[2].ModSeq);
        IReadOnlyList<MessageRecord> stored = await Index.GetMessagesAsync(account, Inbox, Ct);
        Assert.Equal(messages.Select(m => m.Blob.Id), stored.Select(m => m.Blob.Id));
        Assert.Equal(MessageFlags.Seen | MessageFlags.Flagged, stored[1].Flags);
        AssertKeywords(["Work"], stored[1].Keywords);
        MailboxInfo after = await MailboxAsync(account);
        Assert.Equal((3, 2, 600L, results[2].Uid + 1, results[2].ModSeq), (after.Messages, after.Unseen, after.Size, after.UidNext, after.HighestModSeq));
    }

    [Fact]
    public async Task AppendAll_takes_the_most_messages_it_promises_in_one_change()
    {
        string account = await NewAccountAsync();
        MessageToAppend[] messages = [.. Enumerable.Range(1, MessageToAppend.MaxPerAtomicAppend).Select(i => NewMessage(i))];

        IReadOnlyList<AppendResult> results = await Index.AppendAllAsync(account, Inbox, messages, Ct);

        Assert.Equal(MessageToAppend.MaxPerAtomicAppend, results.Count);
        Assert.Equal(MessageToAppend.MaxPerAtomicAppend, (await MailboxAsync(account)).Messages);
        // Still consistent for the change feed: every message is reported once.
        Assert.Equal(results.Select(r => r.Uid), (await Index.GetChangesSinceAsync(account, Inbox, 0, Ct)).Changed.Select(m => m.Uid).Order());
    }

    [Fact]
    public async Task AppendAll_refuses_an_empty_or_too_long_list_and_adds_nothing()
    {
        string account = await NewAccountAsync();
        MessageToAppend[] tooMany = [.. Enumerable.Range(0, MessageToAppend.MaxPerAtomicAppend + 1).Select(i => NewMessage(10))];

        await Assert.ThrowsAnyAsync<ArgumentException>(() => Index.AppendAllAsync(account, Inbox, tooMany, Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Index.AppendAllAsync(account, Inbox, [], Ct));

        Assert.Equal(0, (await MailboxAsync(account)).Messages);
    }

    [Fact]
    public async Task AppendAll_to_a_missing_mailbox_throws_MailboxNotFoundException()
    {
        string account = await NewAccountAsync();

        await Assert.ThrowsAsync<MailboxNotFoundException>(() => Index.AppendAllAsync(account, "Nope", [NewMessage(10), NewMessage(20)], Ct));
    }
}
