using CloudMail.Core.Mailboxes;

namespace CloudMail.ContractTests;

public abstract partial class MailboxIndexContractTests
{
    [Fact]
    public async Task Adding_flags_and_keywords_keeps_the_existing_ones()
    {
        string account = await NewAccountAsync();
        AppendResult a = await AppendAsync(account, flags: MessageFlags.Seen, keywords: ["Work"]);

        FlagUpdateResult result = await Index.UpdateFlagsAsync(account, Inbox, [a.Uid],
            Flags(FlagUpdateMode.Add, MessageFlags.Flagged, "$Forwarded"), null, Ct);

        MessageRecord updated = Assert.Single(result.Updated);
        Assert.Empty(result.Failed);
        Assert.Equal(MessageFlags.Seen | MessageFlags.Flagged, updated.Flags);
        AssertKeywords(["Work", "$Forwarded"], updated.Keywords);
        MessageRecord stored = await MessageAsync(account, Inbox, a.Uid);
        Assert.Equal(updated.Flags, stored.Flags);
        AssertKeywords(updated.Keywords, stored.Keywords);
        Assert.Equal(updated.ModSeq, stored.ModSeq);
    }

    [Fact]
    public async Task Removing_flags_and_keywords_keeps_the_others()
    {
        string account = await NewAccountAsync();
        AppendResult a = await AppendAsync(account, flags: MessageFlags.Seen | MessageFlags.Deleted, keywords: ["Work", "Home"]);

        FlagUpdateResult result = await Index.UpdateFlagsAsync(account, Inbox, [a.Uid],
            Flags(FlagUpdateMode.Remove, MessageFlags.Deleted, "work"), null, Ct);

        MessageRecord updated = Assert.Single(result.Updated);
        Assert.Equal(MessageFlags.Seen, updated.Flags);
        AssertKeywords(["Home"], updated.Keywords);
    }

    [Fact]
    public async Task Replacing_flags_sets_exactly_the_given_flags_and_keywords()
    {
        string account = await NewAccountAsync();
        AppendResult a = await AppendAsync(account, flags: MessageFlags.Seen | MessageFlags.Answered, keywords: ["Work"]);

        FlagUpdateResult result = await Index.UpdateFlagsAsync(account, Inbox, [a.Uid],
            Flags(FlagUpdateMode.Replace, MessageFlags.Draft, "Home"), null, Ct);

        MessageRecord updated = Assert.Single(result.Updated);
        Assert.Equal(MessageFlags.Draft, updated.Flags);
        AssertKeywords(["Home"], updated.Keywords);
    }

    [Fact]
    public async Task Keywords_are_compared_case_insensitively()
    {
        string account = await NewAccountAsync();
        AppendResult a = await AppendAsync(account, keywords: ["Work"]);

        FlagUpdateResult result = await Index.UpdateFlagsAsync(account, Inbox, [a.Uid],
            Flags(FlagUpdateMode.Add, MessageFlags.None, "WORK"), null, Ct);

        Assert.Equal(a.ModSeq, Assert.Single(result.Updated).ModSeq);
        Assert.Single((await MessageAsync(account, Inbox, a.Uid)).Keywords);
    }

    [Fact]
    public async Task Store_that_changes_nothing_keeps_the_MODSEQ()
    {
        string account = await NewAccountAsync();
        AppendResult a = await AppendAsync(account, flags: MessageFlags.Seen);
        ulong highest = (await MailboxAsync(account)).HighestModSeq;

        FlagUpdateResult result = await Index.UpdateFlagsAsync(account, Inbox, [a.Uid],
            Flags(FlagUpdateMode.Add, MessageFlags.Seen), null, Ct);

        Assert.Equal(a.ModSeq, Assert.Single(result.Updated).ModSeq);
        Assert.Equal(highest, (await MailboxAsync(account)).HighestModSeq);
    }

    [Fact]
    public async Task Store_ignores_unknown_UIDs()
    {
        string account = await NewAccountAsync();
        AppendResult a = await AppendAsync(account);

        FlagUpdateResult result = await Index.UpdateFlagsAsync(account, Inbox, [a.Uid, 999_999],
            Flags(FlagUpdateMode.Add, MessageFlags.Seen), null, Ct);

        Assert.Equal(a.Uid, Assert.Single(result.Updated).Uid);
        Assert.Empty(result.Failed);
    }

    [Fact]
    public async Task Unseen_count_follows_the_Seen_flag()
    {
        string account = await NewAccountAsync();
        AppendResult a = await AppendAsync(account);
        AppendResult b = await AppendAsync(account);
        Assert.Equal(2, (await MailboxAsync(account)).Unseen);

        await Index.UpdateFlagsAsync(account, Inbox, [a.Uid, b.Uid], Flags(FlagUpdateMode.Add, MessageFlags.Seen), null, Ct);
        Assert.Equal(0, (await MailboxAsync(account)).Unseen);

        await Index.UpdateFlagsAsync(account, Inbox, [b.Uid], Flags(FlagUpdateMode.Replace, MessageFlags.Flagged), null, Ct);
        Assert.Equal(1, (await MailboxAsync(account)).Unseen);
    }

    [Fact]
    public async Task Every_change_raises_HIGHESTMODSEQ_and_stamps_the_message()
    {
        string account = await NewAccountAsync();
        ulong created = (await MailboxAsync(account)).HighestModSeq;

        AppendResult a = await AppendAsync(account);
        ulong afterAppend = (await MailboxAsync(account)).HighestModSeq;
        FlagUpdateResult store = await Index.UpdateFlagsAsync(account, Inbox, [a.Uid], Flags(FlagUpdateMode.Add, MessageFlags.Seen), null, Ct);
        ulong afterStore = (await MailboxAsync(account)).HighestModSeq;
        AppendResult b = await AppendAsync(account);
        await Index.ExpungeAsync(account, Inbox, [b.Uid], Ct);
        ulong afterExpunge = (await MailboxAsync(account)).HighestModSeq;

        Assert.True(afterAppend > created);
        Assert.Equal(a.ModSeq, afterAppend);
        Assert.True(afterStore > afterAppend);
        Assert.Equal(afterStore, Assert.Single(store.Updated).ModSeq);
        Assert.Equal(afterStore, (await MessageAsync(account, Inbox, a.Uid)).ModSeq);
        Assert.True(b.ModSeq > afterStore);
        Assert.True(afterExpunge > b.ModSeq);
    }

    [Fact]
    public async Task Store_with_UNCHANGEDSINCE_leaves_newer_messages_alone_and_reports_them_failed()
    {
        string account = await NewAccountAsync();
        AppendResult a = await AppendAsync(account);
        AppendResult b = await AppendAsync(account);
        ulong seen = (await MailboxAsync(account)).HighestModSeq;
        await Index.UpdateFlagsAsync(account, Inbox, [b.Uid], Flags(FlagUpdateMode.Add, MessageFlags.Flagged), null, Ct);

        FlagUpdateResult result = await Index.UpdateFlagsAsync(account, Inbox, [a.Uid, b.Uid],
            Flags(FlagUpdateMode.Add, MessageFlags.Deleted), seen, Ct);

        Assert.Equal([b.Uid], result.Failed);
        Assert.Equal(a.Uid, Assert.Single(result.Updated).Uid);
        Assert.Equal(MessageFlags.Deleted, (await MessageAsync(account, Inbox, a.Uid)).Flags);
        Assert.Equal(MessageFlags.Flagged, (await MessageAsync(account, Inbox, b.Uid)).Flags);
    }

    [Fact]
    public async Task Store_with_UNCHANGEDSINCE_0_fails_for_every_message()
    {
        string account = await NewAccountAsync();
        AppendResult a = await AppendAsync(account);

        FlagUpdateResult result = await Index.UpdateFlagsAsync(account, Inbox, [a.Uid], Flags(FlagUpdateMode.Add, MessageFlags.Seen), 0, Ct);

        Assert.Equal([a.Uid], result.Failed);
        Assert.Empty(result.Updated);
        Assert.Equal(MessageFlags.None, (await MessageAsync(account, Inbox, a.Uid)).Flags);
    }

    [Fact]
    public async Task Changes_since_a_MODSEQ_list_changed_messages_and_expunged_UIDs()
    {
        string account = await NewAccountAsync();
        AppendResult a = await AppendAsync(account);
        AppendResult b = await AppendAsync(account);
        AppendResult c = await AppendAsync(account);
        ulong since = (await MailboxAsync(account)).HighestModSeq;

        await Index.UpdateFlagsAsync(account, Inbox, [b.Uid], Flags(FlagUpdateMode.Add, MessageFlags.Seen), null, Ct);
        await Index.ExpungeAsync(account, Inbox, [c.Uid], Ct);
        AppendResult d = await AppendAsync(account);

        MailboxChanges changes = await Index.GetChangesSinceAsync(account, Inbox, since, Ct);

        Assert.Equal([b.Uid, d.Uid], changes.Changed.Select(m => m.Uid));
        Assert.Equal(MessageFlags.Seen, changes.Changed[0].Flags);
        Assert.Equal([c.Uid], changes.Expunged);
        Assert.Equal((await MailboxAsync(account)).HighestModSeq, changes.HighestModSeq);
        Assert.DoesNotContain(a.Uid, changes.Changed.Select(m => m.Uid));
    }

    [Fact]
    public async Task Changes_since_the_current_MODSEQ_are_empty()
    {
        string account = await NewAccountAsync();
        AppendResult a = await AppendAsync(account);
        await Index.ExpungeAsync(account, Inbox, [a.Uid], Ct);
        ulong highest = (await MailboxAsync(account)).HighestModSeq;

        MailboxChanges changes = await Index.GetChangesSinceAsync(account, Inbox, highest, Ct);

        Assert.Empty(changes.Changed);
        Assert.Empty(changes.Expunged);
        Assert.Equal(highest, changes.HighestModSeq);
    }
}
