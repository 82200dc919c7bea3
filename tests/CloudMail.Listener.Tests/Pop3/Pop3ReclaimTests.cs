using System.Runtime.Versioning;
using System.Text;
using CloudMail.Core.Mailboxes;
using CloudMail.Listener.Tests.Infrastructure;
using MailKit.Net.Pop3;
using MailKit.Security;

namespace CloudMail.Listener.Tests.Pop3;

/// <summary>A message deleted over POP3 (DELE, then QUIT) is gone from every file of the data folder.</summary>
[Collection(Pop3ServerCollection.Name)]
[UnsupportedOSPlatform("windows")]
public sealed class Pop3ReclaimTests(Pop3ServerFixture fixture)
{
    private TestServer Server => fixture.Server;

    [Fact]
    public async Task Dele_then_quit_deletes_the_message_bytes()
    {
        string user = await Pop3TestMail.NewUserAsync(Server, "reclaim");
        byte[] secret = Encoding.ASCII.GetBytes("CLOUDMAIL-SECRET-" + Guid.NewGuid().ToString("N"));
        await Pop3TestMail.AppendAsync(Server, user, Pop3TestMail.Message("secret", Encoding.ASCII.GetString(secret) + "\r\n"));
        string blobId = Assert.Single(await Server.Get<IMailboxIndex>().GetMessagesAsync(user, DefaultMailboxes.Inbox, CancellationToken.None)).Blob.Id;
        Assert.NotEmpty(DataFolderScan.FilesContaining(Server.DataDirectory, secret));

        using (var client = new Pop3Client { ServerCertificateValidationCallback = (_, _, _, _) => true })
        {
            await client.ConnectAsync("127.0.0.1", fixture.Pop3sPort, SecureSocketOptions.SslOnConnect);
            await client.AuthenticateAsync(user, Pop3TestMail.Password);
            await client.DeleteMessageAsync(0);
            await client.DisconnectAsync(quit: true);
        }
        await ReclaimWatch.UntilReclaimedAsync(Server, blobId);

        Assert.Empty(DataFolderScan.FilesContaining(Server.DataDirectory, secret));
    }
    [Fact]
    public async Task A_message_expunged_over_imap_after_login_leaves_stat_and_list_answering()
    {
        string user = await Pop3TestMail.NewUserAsync(Server, "gone");
        await Pop3TestMail.AppendAsync(Server, user, Pop3TestMail.Message("stays", "kept\r\n"));
        uint gone = await Pop3TestMail.AppendAsync(Server, user, Pop3TestMail.Message("goes", "expunged elsewhere\r\n"));
        var index = Server.Get<IMailboxIndex>();
        string blobId = (await index.GetMessagesAsync(user, DefaultMailboxes.Inbox, CancellationToken.None)).Single(m => m.Uid == gone).Blob.Id;

        await using var client = await Pop3LineClient.ConnectAsync(fixture.Pop3sPort, implicitTls: true);
        await client.LoginAsync(user, Pop3TestMail.Password);
        // Another client expunges the second message while this maildrop is open (IMAP is not held off by the POP3 lock).
        await index.ExpungeAsync(user, DefaultMailboxes.Inbox, [gone], CancellationToken.None);
        Server.Get<MailboxChangeNotifier>().Notify(user);
        await ReclaimWatch.UntilReclaimedAsync(Server, blobId);

        Assert.StartsWith("+OK 2 ", await client.CommandAsync("STAT"));
        Assert.StartsWith("+OK", await client.CommandAsync("LIST 2"));
        Assert.StartsWith("-ERR", await client.CommandAsync("RETR 2"));
        Assert.StartsWith("+OK", await client.CommandAsync("NOOP"));
    }
}
