using System.Runtime.Versioning;
using System.Text;
using CloudMail.Core.Mailboxes;
using CloudMail.Listener.Tests.Infrastructure;
using MailKit;
using MimeKit;
using MessageFlags = MailKit.MessageFlags;

namespace CloudMail.Listener.Tests.Imap;

/// <summary>
/// Expunged mail is really deleted: once the last copy of a message is expunged over IMAP, its bytes are gone from the
/// blob store and from every file of the data folder, and not a moment before.
/// </summary>
[Collection(ImapCollection.Name)]
[UnsupportedOSPlatform("windows")]
public sealed class ImapReclaimTests(ImapServerFixture fixture)
{
    private TestServer Server => fixture.Server;

    [Theory]
    [InlineData(2_000)] // a row of queue.db
    [InlineData(300_000)] // a message file
    public async Task Append_copy_expunge_original_copy_still_fetchable_expunge_copy_bytes_gone(int size)
    {
        string user = await fixture.NewUserAsync();
        string secret = "CLOUDMAIL-SECRET-" + Guid.NewGuid().ToString("N");
        using var client = await fixture.ConnectAsync(user);
        IMailFolder inbox = client.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadWrite);
        UniqueId original = (await inbox.AppendAsync(Message(secret, size)))!.Value;
        string blobId = Assert.Single(await Server.Get<IMailboxIndex>().GetMessagesAsync(user, DefaultMailboxes.Inbox, CancellationToken.None)).Blob.Id;
        IMailFolder trash = await client.GetFolderAsync("Trash");
        UniqueId copy = (await inbox.CopyToAsync(original, trash))!.Value;

        await inbox.AddFlagsAsync(original, MessageFlags.Deleted, silent: true);
        await inbox.ExpungeAsync([original]); // UID EXPUNGE
        await ReclaimWatch.UntilExaminedAsync(Server, blobId);

        await trash.OpenAsync(FolderAccess.ReadWrite);
        Assert.Contains(secret, (await trash.GetMessageAsync(copy)).TextBody);
        Assert.NotEmpty(DataFolderScan.FilesContaining(Server.DataDirectory, Encoding.ASCII.GetBytes(secret)));

        await trash.AddFlagsAsync(copy, MessageFlags.Deleted, silent: true);
        await trash.ExpungeAsync();
        await ReclaimWatch.UntilReclaimedAsync(Server, blobId);

        Assert.Empty(DataFolderScan.FilesContaining(Server.DataDirectory, Encoding.ASCII.GetBytes(secret)));
        await client.DisconnectAsync(true);
    }

    [Fact]
    public async Task A_session_fetching_a_message_another_session_expunged_and_reclaimed_gets_NO_EXPUNGEISSUED_and_no_partial_response()
    {
        string user = await fixture.NewUserAsync();
        uint uid = await ImapTest.DeliverAsync(Server, user, DefaultMailboxes.Inbox, ImapTest.TextMessage("gone elsewhere"));
        string blobId = Assert.Single(await Server.Get<IMailboxIndex>().GetMessagesAsync(user, DefaultMailboxes.Inbox, CancellationToken.None)).Blob.Id;
        await using var stale = await RawImapClient.LoginAsync(Server, user, ImapServerFixture.Password);
        Assert.StartsWith("a OK", (await stale.CommandAsync("a SELECT INBOX", "a"))[^1]);

        using (var other = await fixture.ConnectAsync(user))
        {
            await other.Inbox.OpenAsync(FolderAccess.ReadWrite);
            await other.Inbox.AddFlagsAsync(new UniqueId(uid), MessageFlags.Deleted, silent: true);
            await other.Inbox.ExpungeAsync();
        }
        await ReclaimWatch.UntilReclaimedAsync(Server, blobId);

        var fetch = await stale.CommandAsync("b FETCH 1 (UID BODY.PEEK[])", "b");
        Assert.Equal("b NO [EXPUNGEISSUED] Some of the requested messages no longer exist", Assert.Single(fetch));
        var search = await stale.CommandAsync("c SEARCH BODY elsewhere", "c");
        Assert.Equal(["* SEARCH", "c OK SEARCH completed"], search);
        var noop = await stale.CommandAsync("d NOOP", "d");
        Assert.Contains("* 1 EXPUNGE", noop);
        Assert.StartsWith("d OK", noop[^1]);
    }

    [Fact]
    public async Task Expunging_messages_one_by_one_reclaims_them_all_in_fewer_passes_than_expunges()
    {
        // ReclaimOptions.MinSpacing: a client expunging message after message must not cost a pass (and a checkpoint of
        // queue.db) per message, yet every blob is still reclaimed. A server of its own, with passes at least 10 s apart:
        // the ten expunges take far less even on a loaded machine, so they share at most two passes, where each could
        // cost one without the spacing.
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["CloudMail:Reclaim:MinSpacing"] = "00:00:10" });
        const int count = 10;
        string user = "burst@" + TestServer.Domain;
        await server.AddUserAsync(user, ImapServerFixture.Password);
        for (int i = 0; i < count; i++) await ImapTest.DeliverAsync(server, user, DefaultMailboxes.Inbox, ImapTest.TextMessage("burst " + i));
        var messages = await server.Get<IMailboxIndex>().GetMessagesAsync(user, DefaultMailboxes.Inbox, CancellationToken.None);
        Assert.Equal(count, messages.Count);
        using var client = await ImapTest.ConnectAsync(server, user, ImapServerFixture.Password);
        await client.Inbox.OpenAsync(FolderAccess.ReadWrite);
        var service = server.Get<CloudMail.Listener.Pipeline.MessageReclaimService>();
        // Only this burst's passes count, not the one the service runs at start.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (service.PassesEnded == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the reclaim service never ran its first pass");
            await Task.Delay(50);
        }
        long passesBefore = service.PassesStarted;

        foreach (var message in messages)
        {
            var uid = new UniqueId(message.Uid);
            await client.Inbox.AddFlagsAsync(uid, MessageFlags.Deleted, silent: true);
            await client.Inbox.ExpungeAsync([uid]); // UID EXPUNGE, one message each
        }
        foreach (var message in messages) await ReclaimWatch.UntilReclaimedAsync(server, message.Blob.Id);

        long passes = service.PassesStarted - passesBefore;
        Assert.InRange(passes, 1, 2);
        Assert.Equal(0, client.Inbox.Count);
        await client.DisconnectAsync(true);
    }

    private static MimeMessage Message(string secret, int size) => new()
    {
        From = { MailboxAddress.Parse("alice@remote.test") },
        To = { MailboxAddress.Parse("bob@example.test") },
        Subject = "reclaim me",
        Body = new TextPart("plain") { Text = string.Concat(Enumerable.Repeat(secret + "\r\n", size / (secret.Length + 2) + 1)) },
    };
}
