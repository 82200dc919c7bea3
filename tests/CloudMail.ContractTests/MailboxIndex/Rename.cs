using CloudMail.Core.Mailboxes;

namespace CloudMail.ContractTests;

public abstract partial class MailboxIndexContractTests
{
    [Fact]
    public async Task Rename_moves_the_mailbox_with_its_children_and_their_messages()
    {
        string account = await NewAccountAsync();
        foreach (string name in new[] { "Projects", "Projects/A", "Projects/A/Deep", "ProjectsX" })
        {
            await Index.CreateMailboxAsync(account, name, SpecialUse.None, Ct);
        }
        AppendResult inChild = await AppendAsync(account, "Projects/A", flags: MessageFlags.Seen);
        MailboxInfo child = await MailboxAsync(account, "Projects/A");

        await Index.RenameMailboxAsync(account, "Projects", "Archive/Projects", Ct);

        IReadOnlyList<string> names = [.. (await Index.ListMailboxesAsync(account, Ct)).Select(m => m.Name)];
        Assert.Contains("Archive/Projects", names);
        Assert.Contains("Archive/Projects/A", names);
        Assert.Contains("Archive/Projects/A/Deep", names);
        Assert.Contains("ProjectsX", names);
        Assert.DoesNotContain(names, n => n == "Projects" || n.StartsWith("Projects/", StringComparison.Ordinal));
        MailboxInfo moved = await MailboxAsync(account, "Archive/Projects/A");
        Assert.Equal((child.Messages, child.Unseen, child.Size, child.UidNext), (moved.Messages, moved.Unseen, moved.Size, moved.UidNext));
        MessageRecord message = Assert.Single(await Index.GetMessagesAsync(account, "Archive/Projects/A", Ct));
        Assert.Equal((inChild.Uid, MessageFlags.Seen), (message.Uid, message.Flags));
    }

    [Fact]
    public async Task Rename_to_an_existing_name_throws_MailboxExistsException()
    {
        string account = await NewAccountAsync();
        await Index.CreateMailboxAsync(account, "A", SpecialUse.None, Ct);
        await Index.CreateMailboxAsync(account, "B", SpecialUse.None, Ct);

        await Assert.ThrowsAsync<MailboxExistsException>(() => Index.RenameMailboxAsync(account, "A", "B", Ct));
        await Assert.ThrowsAsync<MailboxExistsException>(() => Index.RenameMailboxAsync(account, "A", "inbox", Ct));

        Assert.NotNull(await Index.GetMailboxAsync(account, "A", Ct));
    }

    [Fact]
    public async Task Rename_of_a_missing_mailbox_throws_MailboxNotFoundException()
    {
        string account = await NewAccountAsync();

        await Assert.ThrowsAsync<MailboxNotFoundException>(() => Index.RenameMailboxAsync(account, "Nope", "Other", Ct));
    }

    [Fact]
    public async Task Renaming_INBOX_moves_its_messages_and_leaves_INBOX_existing_and_empty()
    {
        string account = await NewAccountAsync();
        await Index.CreateMailboxAsync(account, "INBOX/Sub", SpecialUse.None, Ct);
        AppendResult a = await AppendAsync(account, flags: MessageFlags.Seen, keywords: ["Work"]);
        AppendResult b = await AppendAsync(account);
        IReadOnlyList<MessageRecord> originals = await Index.GetMessagesAsync(account, Inbox, Ct);
        MailboxInfo inboxBefore = await MailboxAsync(account);

        await Index.RenameMailboxAsync(account, "inbox", "Old Mail", Ct);

        MailboxInfo inbox = await MailboxAsync(account);
        Assert.Equal((0, 0, 0L), (inbox.Messages, inbox.Unseen, inbox.Size));
        Assert.Empty(await Index.GetMessagesAsync(account, Inbox, Ct));
        Assert.True(inbox.UidNext >= inboxBefore.UidNext);
        MailboxChanges vanished = await Index.GetChangesSinceAsync(account, Inbox, inboxBefore.HighestModSeq, Ct);
        Assert.Equal([a.Uid, b.Uid], vanished.Expunged);

        IReadOnlyList<MessageRecord> moved = await Index.GetMessagesAsync(account, "Old Mail", Ct);
        Assert.Equal(originals.Select(m => m.Blob), moved.Select(m => m.Blob));
        Assert.Equal(originals.Select(m => m.Flags), moved.Select(m => m.Flags));
        AssertKeywords(["Work"], moved[0].Keywords);
        MailboxInfo old = await MailboxAsync(account, "Old Mail");
        Assert.Equal((2, 1, originals.Sum(m => m.Size)), (old.Messages, old.Unseen, old.Size));
        Assert.NotNull(await Index.GetMailboxAsync(account, "INBOX/Sub", Ct));

        AppendResult next = await AppendAsync(account);
        Assert.True(next.Uid > b.Uid);
    }
}
