using CloudMail.Core.Mailboxes;

namespace CloudMail.ContractTests;

/// <summary>
/// The structure kept with each message (<see cref="MessageRecord.Structure"/>): stored by every append route, carried
/// by copies and flag changes, written back without being a change, and up to the largest value either backend keeps.
/// </summary>
public abstract partial class MailboxIndexContractTests
{
    /// <summary>A value as long as <see cref="Core.Mailboxes.Structure.StoredStructure.MaxLength"/> allows, non-ASCII included.</summary>
    private static readonly string LargestStructure = "{\"v\":1,\"x\":\"" + new string('\u00e9', Core.Mailboxes.Structure.StoredStructure.MaxLength - 16) + "\"}";

    [Fact]
    public async Task Append_AppendAll_and_Copy_keep_the_structure_given()
    {
        string account = await NewAccountAsync();

        AppendResult one = await Index.AppendAsync(account, Inbox, new MessageToAppend(TestData.BlobRef(), TestData.Now(), MessageFlags.None, [], "{\"one\":1}"), "k1", Ct);
        IReadOnlyList<AppendResult> many = await Index.AppendAllAsync(account, Inbox,
            [new MessageToAppend(TestData.BlobRef(), TestData.Now(), MessageFlags.None, [], LargestStructure), new MessageToAppend(TestData.BlobRef(), TestData.Now(), MessageFlags.None, [])], Ct);
        CopyResult copy = await Index.CopyAsync(account, Inbox, [one.Uid, many[0].Uid, many[1].Uid], "Trash", Ct);

        Assert.Equal("{\"one\":1}", (await MessageAsync(account, Inbox, one.Uid)).Structure);
        Assert.Equal(LargestStructure, (await MessageAsync(account, Inbox, many[0].Uid)).Structure);
        Assert.Null((await MessageAsync(account, Inbox, many[1].Uid)).Structure);
        Assert.Equal(["{\"one\":1}", LargestStructure, null],
            (await Index.GetMessagesAsync(account, "Trash", Ct)).Where(m => copy.DestinationUids.Contains(m.Uid)).Select(m => m.Structure));
    }

    [Fact]
    public async Task Written_back_structures_are_kept_without_a_new_MODSEQ_and_survive_flag_changes()
    {
        string account = await NewAccountAsync();
        AppendResult a = await AppendAsync(account);
        AppendResult b = await AppendAsync(account);
        MailboxInfo before = await MailboxAsync(account);

        await Index.SetStructuresAsync(account, Inbox, [new(a.Uid, "{\"a\":1}"), new(b.Uid, LargestStructure), new(9999, "{\"gone\":1}")], Ct);

        MailboxInfo after = await MailboxAsync(account);
        Assert.Equal(before.HighestModSeq, after.HighestModSeq);
        Assert.Empty((await Index.GetChangesSinceAsync(account, Inbox, before.HighestModSeq, Ct)).Changed);
        Assert.Equal(("{\"a\":1}", a.ModSeq), ((await MessageAsync(account, Inbox, a.Uid)).Structure, (await MessageAsync(account, Inbox, a.Uid)).ModSeq));
        Assert.Equal(before.Messages, after.Messages);

        await Index.UpdateFlagsAsync(account, Inbox, [a.Uid, b.Uid], Flags(FlagUpdateMode.Add, MessageFlags.Seen), null, Ct);

        Assert.Equal("{\"a\":1}", (await MessageAsync(account, Inbox, a.Uid)).Structure);
        Assert.Equal(LargestStructure, (await MessageAsync(account, Inbox, b.Uid)).Structure);
    }

    [Fact]
    public async Task Writing_back_to_a_missing_mailbox_or_an_expunged_message_changes_nothing()
    {
        string account = await NewAccountAsync();
        AppendResult a = await AppendAsync(account);
        await Index.ExpungeAsync(account, Inbox, [a.Uid], Ct);

        await Index.SetStructuresAsync(account, Inbox, [new(a.Uid, "{\"a\":1}")], Ct);
        await Index.SetStructuresAsync(account, "No such mailbox", [new(1, "{\"a\":1}")], Ct);

        Assert.Empty(await Index.GetMessagesAsync(account, Inbox, Ct));
        Assert.Null(await Index.GetMailboxAsync(account, "No such mailbox", Ct));
    }
}
