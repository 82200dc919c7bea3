using CloudMail.Core.Mailboxes;

namespace CloudMail.ContractTests;

/// <summary>
/// The save date of each message (IMAP SAVEDATE, RFC 8514 §3): set when the message is saved into a mailbox by any
/// route, and new for a copy, whatever the internal date.
/// </summary>
public abstract partial class MailboxIndexContractTests
{
    private static readonly DateTimeOffset LongAgo = new(2001, 2, 3, 4, 5, 6, TimeSpan.FromHours(2));

    [Fact]
    public async Task Append_and_AppendAll_record_when_the_message_was_saved()
    {
        string account = await NewAccountAsync();
        var before = DateTimeOffset.UtcNow;

        AppendResult one = await Index.AppendAsync(account, Inbox, TestData.BlobRef(), LongAgo, MessageFlags.None, [], null, Ct);
        IReadOnlyList<AppendResult> many = await Index.AppendAllAsync(account, Inbox,
            [new MessageToAppend(TestData.BlobRef(), LongAgo, MessageFlags.None, []), new MessageToAppend(TestData.BlobRef(), LongAgo, MessageFlags.None, [])], Ct);

        var after = DateTimeOffset.UtcNow;
        foreach (uint uid in many.Select(r => r.Uid).Prepend(one.Uid))
        {
            MessageRecord message = await MessageAsync(account, Inbox, uid);
            Assert.InRange(message.SaveDate!.Value, before, after);
            Assert.Equal(LongAgo, message.InternalDate);
        }
    }

    [Fact]
    public async Task Copy_gives_each_copy_a_new_save_date_and_leaves_the_original_alone()
    {
        string account = await NewAccountAsync();
        AppendResult original = await Index.AppendAsync(account, Inbox, TestData.BlobRef(), LongAgo, MessageFlags.None, [], null, Ct);
        DateTimeOffset savedFirst = (await MessageAsync(account, Inbox, original.Uid)).SaveDate!.Value;
        await Task.Delay(20);
        var beforeCopy = DateTimeOffset.UtcNow;

        CopyResult copy = await Index.CopyAsync(account, Inbox, [original.Uid], "Trash", Ct);

        MessageRecord copied = await MessageAsync(account, "Trash", copy.DestinationUids.Single());
        Assert.True(copied.SaveDate >= beforeCopy, $"{copied.SaveDate:O} < {beforeCopy:O}");
        Assert.True(savedFirst < beforeCopy);
        Assert.Equal(savedFirst, (await MessageAsync(account, Inbox, original.Uid)).SaveDate);
        Assert.Equal(LongAgo, copied.InternalDate);
    }

    [Fact]
    public async Task Changes_and_flag_updates_carry_the_save_date_unchanged()
    {
        string account = await NewAccountAsync();
        AppendResult appended = await AppendAsync(account);
        DateTimeOffset saved = (await MessageAsync(account, Inbox, appended.Uid)).SaveDate!.Value;

        FlagUpdateResult updated = await Index.UpdateFlagsAsync(account, Inbox, [appended.Uid], Flags(FlagUpdateMode.Add, MessageFlags.Seen), null, Ct);
        MailboxChanges changes = await Index.GetChangesSinceAsync(account, Inbox, 0, Ct);

        Assert.Equal(saved, Assert.Single(updated.Updated).SaveDate);
        Assert.Equal(saved, Assert.Single(changes.Changed).SaveDate);
        Assert.Equal(saved, (await MessageAsync(account, Inbox, appended.Uid)).SaveDate);
    }
}
