using System.Text;
using CloudMail.Core.Mailboxes;
using CloudMail.Core.Messages;
using CloudMail.Core.Blobs;
using CloudMail.Listener.Tests.Infrastructure;

namespace CloudMail.Listener.Tests.Imap;

/// <summary>IDLE (RFC 2177) on the wire, and what a session says when the server stops.</summary>
[Collection(ImapCollection.Name)]
public class ImapIdleTests(ImapServerFixture fixture)
{
    [Fact]
    public async Task Idle_pushes_delivered_mail_and_ends_on_DONE()
    {
        string user = await fixture.NewUserAsync();
        await using var c = await RawImapClient.LoginAsync(fixture.Server, user, ImapServerFixture.Password);
        await c.CommandAsync("s SELECT INBOX", "s");
        await c.SendAsync("i IDLE\r\n");
        Assert.Equal("+ idling", await c.ReadLineAsync());
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("pushed"));
        Assert.Equal("* 1 EXISTS", await c.ReadLineAsync());
        Assert.Equal("* 1 RECENT", await c.ReadLineAsync());
        await c.SendAsync("DONE\r\n");
        Assert.Equal("i OK IDLE terminated", await c.ReadLineAsync());
        Assert.Equal(["n OK NOOP completed"], await c.CommandAsync("n NOOP", "n"));
    }

    [Fact]
    public async Task Idle_notices_changes_made_without_a_signal_by_polling()
    {
        string user = await fixture.NewUserAsync();
        await using var c = await RawImapClient.LoginAsync(fixture.Server, user, ImapServerFixture.Password);
        await c.CommandAsync("s SELECT INBOX", "s");
        await c.SendAsync("i IDLE\r\n");
        Assert.Equal("+ idling", await c.ReadLineAsync());
        // As another process would: straight into storage, no in-process change signal.
        var writer = fixture.Server.Get<IMessageBlobStore>().CreateWriter(MessageIds.New());
        await using (writer)
        {
            await writer.WriteAsync(Encoding.ASCII.GetBytes(ImapTest.TextMessage("silent")), CancellationToken.None);
            var blob = await writer.CommitAsync(CancellationToken.None);
            await fixture.Server.Get<IMailboxIndex>().AppendAsync(user, "INBOX", blob, DateTimeOffset.UtcNow, MessageFlags.None, [], null, CancellationToken.None);
        }
        Assert.Equal("* 1 EXISTS", await c.ReadLineAsync()); // within the fixture's 2 s poll interval
        Assert.Equal("* 1 RECENT", await c.ReadLineAsync());
        await c.SendAsync("DONE\r\n");
        Assert.Equal("i OK IDLE terminated", await c.ReadLineAsync());
    }

    [Fact]
    public async Task Anything_but_DONE_ends_idle_with_BAD()
    {
        string user = await fixture.NewUserAsync();
        await using var c = await RawImapClient.LoginAsync(fixture.Server, user, ImapServerFixture.Password);
        await c.SendAsync("i IDLE\r\n");
        Assert.Equal("+ idling", await c.ReadLineAsync());
        await c.SendAsync("x NOOP\r\n");
        Assert.Equal("i BAD Expected DONE", await c.ReadLineAsync());
        Assert.Equal(["y OK NOOP completed"], await c.CommandAsync("y NOOP", "y"));
    }

    [Fact]
    public async Task Sessions_hear_BYE_when_the_server_stops()
    {
        var server = await TestServer.StartAsync();
        const string user = "stopping@" + TestServer.Domain;
        await server.AddUserAsync(user, ImapServerFixture.Password);
        await using var c = await RawImapClient.LoginAsync(server, user, ImapServerFixture.Password);
        await c.SendAsync("i IDLE\r\n");
        Assert.Equal("+ idling", await c.ReadLineAsync());
        await server.DisposeAsync();
        Assert.Equal("* BYE Server shutting down", await c.ReadLineAsync());
    }
}
