using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Infrastructure;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using MimeKit;

namespace CloudMail.Listener.Tests.Imap;

/// <summary>
/// <c>CloudMail:Retention:Junk</c> and <c>Trash</c> on a real server, with MailKit: a message left in Junk past the
/// retention disappears, a session that has Junk selected is told (EXPUNGE), and INBOX is never touched.
/// </summary>
public sealed class ImapAutoExpungeTests : IAsyncLifetime
{
    private const string Password = "correct horse battery";
    private TestServer _server = null!;

    // The message must still be in Junk when the session selects it: a retention of seconds that a stalled test host does
    // not outlast between APPEND and SELECT.
    public async Task InitializeAsync() => _server = await TestServer.StartAsync(new Dictionary<string, string?>
    {
        ["CloudMail:Retention:Junk"] = "00:00:10",
        ["CloudMail:Retention:Trash"] = "00:00:10",
        ["CloudMail:Retention:Interval"] = "00:00:01",
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Old_mail_in_Junk_is_expunged_and_a_session_watching_Junk_is_told()
    {
        string user = $"amy-{Guid.NewGuid():N}"[..20] + "@" + TestServer.Domain;
        await _server.AddUserAsync(user, Password);
        using var imap = new ImapClient { ServerCertificateValidationCallback = (_, _, _, _) => true };
        await imap.ConnectAsync("127.0.0.1", _server.Port(EndpointKind.Imaps), SecureSocketOptions.SslOnConnect);
        await imap.AuthenticateAsync(user, Password);
        var message = new MimeMessage { Subject = "spam, probably" };
        message.From.Add(MailboxAddress.Parse("spammer@remote.example"));
        message.To.Add(MailboxAddress.Parse(user));
        message.Body = new TextPart("plain") { Text = "buy now" };
        await imap.Inbox.AppendAsync(message);
        IMailFolder junk = await imap.GetFolderAsync("Junk");
        await junk.AppendAsync(message);
        await junk.OpenAsync(FolderAccess.ReadWrite);
        Assert.Equal(1, junk.Count);
        int expungedSeen = 0;
        junk.MessageExpunged += (_, _) => expungedSeen++;

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (junk.Count > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the message stayed in Junk past its retention");
            await Task.Delay(250);
            await imap.NoOpAsync();
        }

        Assert.Equal(1, expungedSeen);
        await imap.Inbox.StatusAsync(StatusItems.Count);
        Assert.Equal(1, imap.Inbox.Count);
        await imap.DisconnectAsync(true);
    }
}
