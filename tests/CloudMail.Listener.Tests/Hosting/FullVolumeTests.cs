using System.Text;
using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Infrastructure;
using CloudMail.Listener.Tests.Smtp;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using MimeKit;

namespace CloudMail.Listener.Tests.Hosting;

/// <summary>
/// A data folder whose volume (a real tmpfs, <see cref="SmallVolume"/>) runs out of space with the reserve check off
/// (<c>CloudMail:EmbeddedStorage:MinFreeSpace</c> 0: an operator's choice, or another program filling the disk after the
/// check): SMTP answers 452 4.3.1 (RFC 5321 §4.2.3) and IMAP APPEND <c>NO [OVERQUOTA]</c> (as Dovecot answers a full disk),
/// each session goes on, the literal the client goes on sending is never read as commands, the log says "the storage is
/// full" once per refusal without a stack trace, and once space is freed the same server takes mail again.
/// </summary>
public sealed class FullVolumeTests
{
    private const string User = "full@example.test";
    private const string Password = "full-volume-password-1";

    /// <summary>A message well over the size kept in the database: its content goes to a file of its own on the volume.</summary>
    private static MimeMessage Large(string subject)
    {
        var text = new StringBuilder();
        // Each line of the body is also an IMAP command: none of them may ever run.
        for (int i = 0; i < 12_000; i++) text.Append("z").Append(i).Append(" CREATE Injected").Append(i).Append("\r\n");
        var message = new MimeMessage { Subject = subject };
        message.From.Add(MailboxAddress.Parse(User));
        message.Body = new TextPart("plain") { Text = text.ToString() };
        return message;
    }

    [Fact]
    public async Task IMAP_APPEND_and_SMTP_DATA_are_refused_as_storage_full_and_taken_again_once_space_is_freed()
    {
        using var volume = SmallVolume.Mount(megabytes: 48);
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["CloudMail:EmbeddedStorage:MinFreeSpace"] = "0" },
            volume.DataDirectory);
        await server.AddUserAsync(User, Password);
        var log = new CapturingLoggerProvider().AttachTo(server);
        using var imap = new ImapClient { ServerCertificateValidationCallback = (_, _, _, _) => true };
        await imap.ConnectAsync("127.0.0.1", server.Port(EndpointKind.Imaps), SecureSocketOptions.SslOnConnect);
        await imap.AuthenticateAsync(User, Password);
        await using var smtp = await RawSmtpClient.ConnectAndEhloAsync(server.Port(EndpointKind.Smtp));
        byte[] data = Encoding.ASCII.GetBytes("Subject: large\r\n\r\n" + string.Concat(Enumerable.Repeat(new string('x', 76) + "\r\n", 13_000)) + ".\r\n");

        await volume.FillAsync();

        var refused = await Assert.ThrowsAsync<ImapCommandException>(() => imap.Inbox.AppendAsync(Large("no room")));
        Assert.Equal("Not enough disk space", refused.ResponseText);
        Assert.Equal(250, (await smtp.CommandAsync("MAIL FROM:<a@remote.test>")).Code);
        Assert.Equal(250, (await smtp.CommandAsync($"RCPT TO:<{User}>")).Code);
        Assert.Equal(354, (await smtp.CommandAsync("DATA")).Code);
        await smtp.SendAsync(data);
        Assert.Equal("452 4.3.1 Insufficient system storage, try again later", (await smtp.ReadReplyAsync()).ToString());

        // Both sessions go on, and nothing of the refused literal ran as a command.
        await imap.NoOpAsync();
        Assert.Equal(250, (await smtp.CommandAsync("NOOP")).Code);
        Assert.DoesNotContain(await imap.GetFoldersAsync(imap.PersonalNamespaces[0]), f => f.Name.StartsWith("Injected", StringComparison.Ordinal));
        var full = log.Events.Where(e => e.Message.Contains("the storage is full", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, full.Count);
        Assert.All(full, e => Assert.True(e.Level == LogLevel.Error && e.Exception is null, e.Message));
        Assert.Contains(full, e => e.Message.StartsWith("IMAP APPEND from 127.0.0.1 refused with NO [OVERQUOTA]", StringComparison.Ordinal));
        Assert.Contains(full, e => e.Message.Contains("replied 452", StringComparison.Ordinal));

        volume.Empty();

        await imap.Inbox.AppendAsync(Large("room again"));
        Assert.Equal(250, (await smtp.CommandAsync("MAIL FROM:<a@remote.test>")).Code);
        Assert.Equal(250, (await smtp.CommandAsync($"RCPT TO:<{User}>")).Code);
        Assert.Equal(354, (await smtp.CommandAsync("DATA")).Code);
        await smtp.SendAsync(data);
        Assert.Equal(250, (await smtp.ReadReplyAsync()).Code);
        await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
        for (int i = 0; i < 100 && imap.Inbox.Count < 2; i++)
        {
            await Task.Delay(100);
            await imap.NoOpAsync();
        }
        Assert.Equal(2, imap.Inbox.Count);
        await imap.DisconnectAsync(true);
    }
}
