using CloudMail.Core.Mailboxes;

namespace CloudMail.ContractTests;

// Expunge-log and append-key pruning, and changed-since answers around the pruned watermark (RFC 7162 §3.2.5.2).
public abstract partial class MailboxIndexContractTests
{
    /// <summary>Cut-offs that forget everything written so far (a minute ahead absorbs clock differences with the store).</summary>
    private static PruneCutoffs ForgetAll => new(DateTimeOffset.UtcNow.AddMinutes(1), DateTimeOffset.UtcNow.AddMinutes(1));

    /// <summary>Cut-offs that forget nothing written in the last day.</summary>
    private static PruneCutoffs KeepRecent => new(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(-1));

    [Fact]
    public async Task Changed_since_below_a_pruned_expunge_log_reports_every_message_as_changed()
    {
        string account = await NewAccountAsync();
        AppendResult a = await AppendAsync(account);
        AppendResult b = await AppendAsync(account);
        AppendResult c = await AppendAsync(account);
        ulong beforeExpunge = (await MailboxAsync(account)).HighestModSeq;
        await Index.ExpungeAsync(account, Inbox, [b.Uid], Ct);
        ulong afterExpunge = (await MailboxAsync(account)).HighestModSeq;

        PruneResult pruned = await Index.PruneAsync(account, ForgetAll, Ct);

        Assert.Equal(1, pruned.ExpungeEntries);
        MailboxChanges below = await Index.GetChangesSinceAsync(account, Inbox, beforeExpunge, Ct);
        Assert.False(below.Complete);
        Assert.Equal([a.Uid, c.Uid], below.Changed.Select(m => m.Uid));
        Assert.Empty(below.Expunged);
        Assert.Equal(afterExpunge, below.HighestModSeq);
        MailboxChanges current = await Index.GetChangesSinceAsync(account, Inbox, afterExpunge, Ct);
        Assert.True(current.Complete);
        Assert.Empty(current.Changed);
    }

    [Fact]
    public async Task Pruning_keeps_recent_expunges_and_the_exact_answer()
    {
        string account = await NewAccountAsync();
        await AppendAsync(account);
        AppendResult b = await AppendAsync(account);
        ulong beforeExpunge = (await MailboxAsync(account)).HighestModSeq;
        await Index.ExpungeAsync(account, Inbox, [b.Uid], Ct);

        PruneResult pruned = await Index.PruneAsync(account, KeepRecent, Ct);

        Assert.Equal(0, pruned.ExpungeEntries);
        MailboxChanges changes = await Index.GetChangesSinceAsync(account, Inbox, beforeExpunge, Ct);
        Assert.True(changes.Complete);
        Assert.Empty(changes.Changed);
        Assert.Equal([b.Uid], changes.Expunged);
    }

    [Fact]
    public async Task Expunges_after_a_prune_are_reported_exactly_again()
    {
        string account = await NewAccountAsync();
        AppendResult a = await AppendAsync(account);
        AppendResult b = await AppendAsync(account);
        await Index.ExpungeAsync(account, Inbox, [a.Uid], Ct);
        await Index.PruneAsync(account, ForgetAll, Ct);
        ulong afterPrune = (await MailboxAsync(account)).HighestModSeq;

        await Index.ExpungeAsync(account, Inbox, [b.Uid], Ct);

        MailboxChanges changes = await Index.GetChangesSinceAsync(account, Inbox, afterPrune, Ct);
        Assert.True(changes.Complete);
        Assert.Equal([b.Uid], changes.Expunged);
    }

    [Fact]
    public async Task A_pruned_append_key_no_longer_deduplicates_and_a_recent_one_still_does()
    {
        string account = await NewAccountAsync();
        await AppendAsync(account, idempotencyKey: "old-job");

        Assert.Equal(0, (await Index.PruneAsync(account, KeepRecent, Ct)).AppendKeys);
        Assert.True((await AppendAsync(account, idempotencyKey: "old-job")).AlreadyPresent);
        Assert.Equal(1, (await Index.PruneAsync(account, ForgetAll, Ct)).AppendKeys);
        Assert.False((await AppendAsync(account, idempotencyKey: "old-job")).AlreadyPresent);
    }

    [Fact]
    public async Task Changed_since_lists_each_changed_message_once_with_its_latest_state()
    {
        string account = await NewAccountAsync();
        AppendResult a = await AppendAsync(account);
        AppendResult b = await AppendAsync(account);
        await Index.CreateMailboxAsync(account, "Archive", SpecialUse.None, Ct);
        ulong since = (await MailboxAsync(account)).HighestModSeq;

        await Index.UpdateFlagsAsync(account, Inbox, [a.Uid], Flags(FlagUpdateMode.Add, MessageFlags.Seen), null, Ct);
        await Index.UpdateFlagsAsync(account, Inbox, [a.Uid], Flags(FlagUpdateMode.Add, MessageFlags.Flagged), null, Ct);
        await Index.CopyAsync(account, Inbox, [a.Uid, b.Uid], "Archive", Ct);
        await Index.ExpungeAsync(account, Inbox, [b.Uid], Ct);

        MailboxChanges changes = await Index.GetChangesSinceAsync(account, Inbox, since, Ct);
        MessageRecord changed = Assert.Single(changes.Changed);
        Assert.Equal(a.Uid, changed.Uid);
        Assert.Equal(MessageFlags.Seen | MessageFlags.Flagged, changed.Flags);
        Assert.Equal([b.Uid], changes.Expunged);
        MailboxChanges archive = await Index.GetChangesSinceAsync(account, "Archive", 0, Ct);
        Assert.Equal(2, archive.Changed.Count);
    }

    [Fact]
    public async Task Deleting_account_data_forgets_its_mailboxes_subscriptions_and_append_keys()
    {
        string account = await NewAccountAsync();
        await Index.SetSubscribedAsync(account, Inbox, true, Ct);
        AppendResult a = await AppendAsync(account, idempotencyKey: "job-1");
        await Index.ExpungeAsync(account, Inbox, [a.Uid], Ct);

        await Index.DeleteAccountDataAsync(account, Ct);

        Assert.Empty(await Index.ListMailboxesAsync(account, Ct));
        Assert.Empty(await Index.ListSubscriptionsAsync(account, Ct));
        Assert.Equal(new QuotaUsage(0, 0), await Index.GetQuotaUsageAsync(account, Ct));
        await Index.EnsureDefaultMailboxesAsync(account, Ct);
        Assert.False((await AppendAsync(account, idempotencyKey: "job-1")).AlreadyPresent);
    }
}
