using System.Text;
using CloudMail.Core.Directory;
using CloudMail.Core.Mailboxes;
using CloudMail.Core.Quotas;
using MailKit;
using MailKit.Net.Imap;
using MimeKit;

namespace CloudMail.Listener.Tests.Imap;

/// <summary>RFC 9208 QUOTA with real clients: what a user sees of their quota, and what a full mailbox refuses.</summary>
[Collection(ImapCollection.Name)]
public class ImapQuotaTests(ImapServerFixture fixture)
{
    private Task SetQuotaAsync(string user, long? storage, long? messages) =>
        fixture.Server.Get<MailboxQuotas>().ChangeLimitsAsync(user, _ => new AccountQuota(storage, messages), CancellationToken.None);

    private static int Bytes(string raw) => Encoding.UTF8.GetByteCount(raw);

    [Fact]
    public async Task Quota_capabilities_are_advertised()
    {
        string user = await fixture.NewUserAsync();
        using var client = await fixture.ConnectAsync(user);

        Assert.True(client.Capabilities.HasFlag(ImapCapabilities.Quota));
        await using var raw = await RawImapClient.LoginAsync(fixture.Server, user, ImapServerFixture.Password);
        string caps = (await raw.CommandAsync("c CAPABILITY", "c"))[0];
        Assert.Contains(" QUOTA ", caps + " ");
        Assert.Contains(" QUOTA=RES-STORAGE", caps);
        Assert.Contains(" QUOTA=RES-MESSAGE", caps);
    }

    [Fact]
    public async Task MailKit_GetQuota_reports_usage_and_limits_of_the_account_root()
    {
        string user = await fixture.NewUserAsync();
        await SetQuotaAsync(user, 1L << 20, 10);
        string first = ImapTest.TextMessage("one", new string('x', 3000));
        string second = ImapTest.TextMessage("two");
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", first);
        await ImapTest.DeliverAsync(fixture.Server, user, "Sent", second);
        using var client = await fixture.ConnectAsync(user);

        FolderQuota quota = await client.Inbox.GetQuotaAsync();

        Assert.Equal("", quota.QuotaRoot!.FullName);
        Assert.Equal(1024u, quota.StorageLimit); // RFC 9208 §5.1: units of 1024 octets
        Assert.Equal((uint)((Bytes(first) + Bytes(second) + 1023) / 1024), quota.CurrentStorageSize);
        Assert.Equal(10u, quota.MessageLimit);
        Assert.Equal(2u, quota.CurrentMessageCount);
    }

    [Fact]
    public async Task GETQUOTAROOT_and_GETQUOTA_answer_the_account_root_and_SETQUOTA_is_refused()
    {
        string user = await fixture.NewUserAsync();
        await SetQuotaAsync(user, 2L << 20, 0);
        await using var c = await RawImapClient.LoginAsync(fixture.Server, user, ImapServerFixture.Password);

        var root = await c.CommandAsync("a GETQUOTAROOT Sent", "a");
        Assert.Equal(["* QUOTAROOT Sent \"\"", "* QUOTA \"\" (STORAGE 0 2048)"], root[..2]);
        Assert.StartsWith("a OK", root[2]);
        var quota = await c.CommandAsync("b GETQUOTA \"\"", "b");
        Assert.Equal("* QUOTA \"\" (STORAGE 0 2048)", quota[0]);
        Assert.StartsWith("b OK", quota[1]);

        Assert.StartsWith("c NO [NOPERM]", (await c.CommandAsync("c SETQUOTA \"\" (STORAGE 999999)", "c"))[^1]);
        Assert.StartsWith("d BAD", (await c.CommandAsync("d SETQUOTA \"\" (STORAGE)", "d"))[^1]);
        Assert.StartsWith("e NO [NONEXISTENT]", (await c.CommandAsync("e GETQUOTA other", "e"))[^1]);
        Assert.StartsWith("f NO [NONEXISTENT]", (await c.CommandAsync("f GETQUOTAROOT NoSuchBox", "f"))[^1]);
        Assert.Equal("* QUOTA \"\" (STORAGE 0 2048)", (await c.CommandAsync("g GETQUOTA \"\"", "g"))[0]); // unchanged
    }

    [Fact]
    public async Task An_unlimited_account_has_no_quota_root()
    {
        string user = await fixture.NewUserAsync();
        await SetQuotaAsync(user, 0, 0);
        await using var c = await RawImapClient.LoginAsync(fixture.Server, user, ImapServerFixture.Password);

        var root = await c.CommandAsync("a GETQUOTAROOT INBOX", "a");

        Assert.Equal("* QUOTAROOT INBOX", root[0]);
        Assert.StartsWith("a OK", root[1]);
        Assert.StartsWith("b NO [NONEXISTENT]", (await c.CommandAsync("b GETQUOTA \"\"", "b"))[^1]);
    }

    [Fact]
    public async Task Append_over_the_storage_quota_is_refused_with_OVERQUOTA_and_nothing_is_stored()
    {
        string user = await fixture.NewUserAsync();
        string stored = ImapTest.TextMessage("stored", new string('s', 1500));
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", stored);
        await SetQuotaAsync(user, Bytes(stored) + 1000, null);
        using var client = await fixture.ConnectAsync(user);
        var tooBig = MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(ImapTest.TextMessage("too big", new string('b', 1200)))));

        var refused = await Assert.ThrowsAsync<ImapCommandException>(() => client.Inbox.AppendAsync(tooBig));

        Assert.Equal(ImapCommandResponse.No, refused.Response);
        Assert.Contains("quota", refused.ResponseText, StringComparison.OrdinalIgnoreCase);
        var usage = await fixture.Server.Get<IMailboxIndex>().GetQuotaUsageAsync(user, CancellationToken.None);
        Assert.Equal(new QuotaUsage(Bytes(stored), 1), usage);
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
        Assert.Equal(1, client.Inbox.Count);

        var small = MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(ImapTest.TextMessage("fits", "ok"))));
        Assert.NotNull(await client.Inbox.AppendAsync(small)); // what fits is still stored
    }

    [Fact]
    public async Task Append_with_a_synchronizing_literal_gets_NO_OVERQUOTA_before_the_continuation()
    {
        string user = await fixture.NewUserAsync();
        await SetQuotaAsync(user, null, 1);
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("only one"));
        await using var c = await RawImapClient.LoginAsync(fixture.Server, user, ImapServerFixture.Password);

        var lines = await c.CommandAsync("a APPEND INBOX {20}", "a");

        Assert.StartsWith("a NO [OVERQUOTA]", Assert.Single(lines));
        Assert.Equal(1, (await fixture.Server.Get<IMailboxIndex>().GetQuotaUsageAsync(user, CancellationToken.None)).Messages);
    }

    [Fact]
    public async Task Copy_over_quota_is_refused_with_OVERQUOTA_but_a_full_account_can_still_move_to_Trash()
    {
        string user = await fixture.NewUserAsync();
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("a"));
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("b"));
        await SetQuotaAsync(user, null, 2);
        await using var c = await RawImapClient.LoginAsync(fixture.Server, user, ImapServerFixture.Password);
        await c.CommandAsync("s SELECT INBOX", "s");

        Assert.StartsWith("a NO [OVERQUOTA]", (await c.CommandAsync("a COPY 1 Trash", "a"))[^1]);
        Assert.Equal(0, (await fixture.Server.Get<IMailboxIndex>().GetMailboxAsync(user, "Trash", CancellationToken.None))!.Messages);

        Assert.StartsWith("b OK", (await c.CommandAsync("b MOVE 1 Trash", "b"))[^1]);
        Assert.Equal(1, (await fixture.Server.Get<IMailboxIndex>().GetMailboxAsync(user, "Trash", CancellationToken.None))!.Messages);
        Assert.Equal(2, (await fixture.Server.Get<IMailboxIndex>().GetQuotaUsageAsync(user, CancellationToken.None)).Messages);
    }
}
