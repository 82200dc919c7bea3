using CloudMail.Core.Mailboxes;

namespace CloudMail.ContractTests;

public abstract partial class MailboxIndexContractTests
{
    [Fact]
    public async Task Default_mailboxes_exist_with_their_special_use()
    {
        string account = await NewAccountAsync();

        IReadOnlyList<MailboxInfo> mailboxes = await Index.ListMailboxesAsync(account, Ct);

        Assert.Equal(
            DefaultMailboxes.ForNewAccount.OrderBy(m => m.Name, StringComparer.Ordinal).Select(m => (m.Name, m.Use)),
            mailboxes.Select(m => (m.Name, m.SpecialUse)));
    }

    [Fact]
    public async Task Ensuring_default_mailboxes_again_changes_nothing()
    {
        string account = await NewAccountAsync();
        await AppendAsync(account);
        IReadOnlyList<MailboxInfo> before = await Index.ListMailboxesAsync(account, Ct);

        await Index.EnsureDefaultMailboxesAsync(account, Ct);

        Assert.Equal(before, await Index.ListMailboxesAsync(account, Ct));
    }

    [Fact]
    public async Task New_mailbox_is_empty_and_starts_at_UID_1()
    {
        string account = await NewAccountAsync();

        MailboxInfo created = await Index.CreateMailboxAsync(account, "Projects", SpecialUse.Archive, Ct);

        Assert.Equal("Projects", created.Name);
        Assert.Equal(SpecialUse.Archive, created.SpecialUse);
        Assert.Equal(1u, created.UidNext);
        Assert.NotEqual(0u, created.UidValidity);
        Assert.Equal((0, 0, 0L), (created.Messages, created.Unseen, created.Size));
        Assert.Equal(created, await MailboxAsync(account, "Projects"));
    }

    [Fact]
    public async Task Creating_an_existing_mailbox_throws_MailboxExistsException()
    {
        string account = await NewAccountAsync();
        await Index.CreateMailboxAsync(account, "Projects", SpecialUse.None, Ct);

        await Assert.ThrowsAsync<MailboxExistsException>(() => Index.CreateMailboxAsync(account, "Projects", SpecialUse.None, Ct));
        await Assert.ThrowsAsync<MailboxExistsException>(() => Index.CreateMailboxAsync(account, "inbox", SpecialUse.None, Ct));
    }

    [Fact]
    public async Task INBOX_is_matched_case_insensitively()
    {
        string account = await NewAccountAsync();

        AppendResult appended = await AppendAsync(account, "iNbOx");

        MailboxInfo inbox = await MailboxAsync(account, "inbox");
        Assert.Equal(Inbox, inbox.Name);
        Assert.Equal(1, inbox.Messages);
        Assert.Equal(appended.Uid, Assert.Single(await Index.GetMessagesAsync(account, "Inbox", Ct)).Uid);
    }

    [Fact]
    public async Task An_empty_name_names_no_mailbox()
    {
        string account = await NewAccountAsync();
        Assert.Null(await Index.GetMailboxAsync(account, "", Ct)); // IMAP clients may send "" (SELECT "", APPEND "")
    }

    [Fact]
    public async Task Other_mailbox_names_are_case_sensitive()
    {
        string account = await NewAccountAsync();
        await Index.CreateMailboxAsync(account, "Work", SpecialUse.None, Ct);

        Assert.Null(await Index.GetMailboxAsync(account, "work", Ct));
        await Index.CreateMailboxAsync(account, "work", SpecialUse.None, Ct);

        Assert.NotNull(await Index.GetMailboxAsync(account, "work", Ct));
        Assert.NotNull(await Index.GetMailboxAsync(account, "Work", Ct));
    }

    [Fact]
    public async Task Mailboxes_are_listed_sorted_by_name()
    {
        string account = await NewAccountAsync();
        foreach (string name in new[] { "b", "a/z", "a", "B", "a/b" })
        {
            await Index.CreateMailboxAsync(account, name, SpecialUse.None, Ct);
        }

        IReadOnlyList<string> names = [.. (await Index.ListMailboxesAsync(account, Ct)).Select(m => m.Name)];

        Assert.Equal(names.Order(StringComparer.Ordinal), names);
        Assert.Equal(10, names.Count);
    }

    [Fact]
    public async Task Unknown_account_has_no_mailboxes()
    {
        string account = Unique.Account();

        Assert.Empty(await Index.ListMailboxesAsync(account, Ct));
        Assert.Null(await Index.GetMailboxAsync(account, Inbox, Ct));
        Assert.Equal(new QuotaUsage(0, 0), await Index.GetQuotaUsageAsync(account, Ct));
    }

    [Fact]
    public async Task Deleting_a_mailbox_removes_it_and_its_messages()
    {
        string account = await NewAccountAsync();
        await Index.CreateMailboxAsync(account, "Old", SpecialUse.None, Ct);
        await AppendAsync(account, "Old");

        await Index.DeleteMailboxAsync(account, "Old", Ct);

        Assert.Null(await Index.GetMailboxAsync(account, "Old", Ct));
        await Assert.ThrowsAsync<MailboxNotFoundException>(() => Index.GetMessagesAsync(account, "Old", Ct));
        Assert.Equal(new QuotaUsage(0, 0), await Index.GetQuotaUsageAsync(account, Ct));
    }

    [Fact]
    public async Task Deleting_a_parent_mailbox_leaves_its_children()
    {
        string account = await NewAccountAsync();
        await Index.CreateMailboxAsync(account, "Parent", SpecialUse.None, Ct);
        await Index.CreateMailboxAsync(account, "Parent/Child", SpecialUse.None, Ct);

        await Index.DeleteMailboxAsync(account, "Parent", Ct);

        Assert.Null(await Index.GetMailboxAsync(account, "Parent", Ct));
        Assert.NotNull(await Index.GetMailboxAsync(account, "Parent/Child", Ct));
    }

    [Fact]
    public async Task Deleting_INBOX_throws_InvalidOperationException()
    {
        string account = await NewAccountAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => Index.DeleteMailboxAsync(account, "inbox", Ct));

        Assert.NotNull(await Index.GetMailboxAsync(account, Inbox, Ct));
    }

    [Fact]
    public async Task Deleting_a_missing_mailbox_throws_MailboxNotFoundException()
    {
        string account = await NewAccountAsync();

        await Assert.ThrowsAsync<MailboxNotFoundException>(() => Index.DeleteMailboxAsync(account, "Nope", Ct));
    }

    [Fact]
    public async Task Recreated_mailbox_gets_a_new_UIDVALIDITY()
    {
        string account = await NewAccountAsync();
        MailboxInfo first = await Index.CreateMailboxAsync(account, "Again", SpecialUse.None, Ct);
        await Index.DeleteMailboxAsync(account, "Again", Ct);

        MailboxInfo second = await Index.CreateMailboxAsync(account, "Again", SpecialUse.None, Ct);

        Assert.NotEqual(first.UidValidity, second.UidValidity);
    }

    [Fact]
    public async Task Subscriptions_may_name_missing_mailboxes_and_are_listed_sorted()
    {
        string account = await NewAccountAsync();

        await Index.SetSubscribedAsync(account, "Sent", true, Ct);
        await Index.SetSubscribedAsync(account, "Archive/2020", true, Ct);
        await Index.SetSubscribedAsync(account, "Sent", true, Ct);

        Assert.Equal(["Archive/2020", "Sent"], await Index.ListSubscriptionsAsync(account, Ct));
    }

    [Fact]
    public async Task Unsubscribing_removes_the_name_and_is_idempotent()
    {
        string account = await NewAccountAsync();
        await Index.SetSubscribedAsync(account, "Sent", true, Ct);
        await Index.SetSubscribedAsync(account, "Drafts", true, Ct);

        await Index.SetSubscribedAsync(account, "Sent", false, Ct);
        await Index.SetSubscribedAsync(account, "Sent", false, Ct);
        await Index.SetSubscribedAsync(account, "Never", false, Ct);

        Assert.Equal(["Drafts"], await Index.ListSubscriptionsAsync(account, Ct));
    }

    [Fact]
    public async Task Subscriptions_belong_to_one_account()
    {
        string account = await NewAccountAsync();
        string other = await NewAccountAsync();

        await Index.SetSubscribedAsync(account, "Sent", true, Ct);

        Assert.Empty(await Index.ListSubscriptionsAsync(other, Ct));
    }

    [Fact]
    public async Task Deleting_account_data_removes_mailboxes_messages_and_subscriptions()
    {
        string account = await NewAccountAsync();
        await AppendAsync(account, idempotencyKey: "k1");
        await Index.SetSubscribedAsync(account, "Sent", true, Ct);

        await Index.DeleteAccountDataAsync(account, Ct);

        Assert.Empty(await Index.ListMailboxesAsync(account, Ct));
        Assert.Empty(await Index.ListSubscriptionsAsync(account, Ct));
        Assert.Equal(new QuotaUsage(0, 0), await Index.GetQuotaUsageAsync(account, Ct));
    }
}
