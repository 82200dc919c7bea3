using CloudMail.Core.Mailboxes;

namespace CloudMail.ContractTests;

/// <summary>
/// The structure kept with each message (<see cref="MessageRecord.Structure"/>): stored by every append route, carried
/// by copies and flag changes, written back without being a change, up to the largest value either backend keeps, and
/// read on its own (<see cref="IMailboxIndex.GetStructuresAsync"/>), never with the lists.
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

        Assert.Equal("{\"one\":1}", await KeptAsync(account, Inbox, one.Uid));
        Assert.Equal(LargestStructure, await KeptAsync(account, Inbox, many[0].Uid));
        Assert.Null(await KeptAsync(account, Inbox, many[1].Uid));
        Assert.Equal<string?[]>(["{\"one\":1}", LargestStructure, null],
            [await KeptAsync(account, "Trash", copy.DestinationUids[0]), await KeptAsync(account, "Trash", copy.DestinationUids[1]), await KeptAsync(account, "Trash", copy.DestinationUids[2])]);
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
        Assert.Equal(("{\"a\":1}", a.ModSeq), (await KeptAsync(account, Inbox, a.Uid), (await MessageAsync(account, Inbox, a.Uid)).ModSeq));
        Assert.Equal(before.Messages, after.Messages);

        await Index.UpdateFlagsAsync(account, Inbox, [a.Uid, b.Uid], Flags(FlagUpdateMode.Add, MessageFlags.Seen), null, Ct);

        Assert.Equal("{\"a\":1}", await KeptAsync(account, Inbox, a.Uid));
        Assert.Equal(LargestStructure, await KeptAsync(account, Inbox, b.Uid));
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

    [Fact]
    public async Task Lists_of_messages_and_of_changes_carry_no_structures()
    {
        string account = await NewAccountAsync();
        AppendResult a = await Index.AppendAsync(account, Inbox, new MessageToAppend(TestData.BlobRef(), TestData.Now(), MessageFlags.None, [], "{\"a\":1}"), null, Ct);
        await Index.UpdateFlagsAsync(account, Inbox, [a.Uid], Flags(FlagUpdateMode.Add, MessageFlags.Seen), null, Ct);

        Assert.Null(Assert.Single(await Index.GetMessagesAsync(account, Inbox, Ct)).Structure);
        Assert.Null(Assert.Single((await Index.GetChangesSinceAsync(account, Inbox, 0, Ct)).Changed).Structure);
        Assert.Equal("{\"a\":1}", await KeptAsync(account, Inbox, a.Uid));
    }

    [Fact]
    public async Task Structures_are_read_for_the_UIDs_asked_that_have_one_with_their_blob_ids()
    {
        string account = await NewAccountAsync();
        // 70 messages, so that the first and the last are far apart (a backend may read runs of UIDs separately).
        var results = new List<AppendResult>();
        for (int i = 0; i < 70; i += 10)
        {
            results.AddRange(await Index.AppendAllAsync(account, Inbox, [.. Enumerable.Range(i, 10).Select(n =>
                new MessageToAppend(TestData.BlobRef(), TestData.Now(), MessageFlags.None, [], n % 3 == 0 ? null : $"{{\"n\":{n}}}"))], Ct));
        }
        IReadOnlyList<MessageRecord> listed = await Index.GetMessagesAsync(account, Inbox, Ct);
        uint first = results[1].Uid, second = results[2].Uid, none = results[3].Uid, last = results[^2].Uid;

        IReadOnlyList<KeptStructure> kept = await Index.GetStructuresAsync(account, Inbox, [last, first, none, second, last + 1000], Ct);

        Assert.Equal(
            [new KeptStructure(first, listed[1].Blob.Id, "{\"n\":1}"), new KeptStructure(second, listed[2].Blob.Id, "{\"n\":2}"),
             new KeptStructure(last, listed[^2].Blob.Id, "{\"n\":68}")],
            kept.OrderBy(k => k.Uid));
        Assert.Empty(await Index.GetStructuresAsync(account, "No such mailbox", [first], Ct));
        Assert.Empty(await Index.GetStructuresAsync(account, Inbox, [], Ct));
    }
}
