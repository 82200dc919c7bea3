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
}
