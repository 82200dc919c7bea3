using System.Net;
using System.Text;
using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Http;
using CloudMail.Listener.Tests.Infrastructure;
using CloudMail.Listener.Tests.Smtp;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using MimeKit;

namespace CloudMail.Listener.Tests.Hosting;

/// <summary>
/// New mail while the data directory's volume (the test machine's real one) keeps less than
/// <c>CloudMail:EmbeddedStorage:MinFreeSpace</c> plus the message's size free: SMTP MAIL 452 4.3.1 (RFC 5321 §4.2.2,
/// RFC 1870 §6.1) with the session going on, the send API 503, IMAP APPEND <c>NO [OVERQUOTA]</c>, nothing stored.
/// </summary>
public sealed class StorageReserveTests
{
    /// <summary>A reserve a terabyte above what the volume of the test servers' data directories has free.</summary>
    private static string ReserveAboveTheDisk() => (new DriveInfo(Path.GetTempPath()).AvailableFreeSpace + (1L << 40)).ToString();

    [Fact]
    public async Task SMTP_MAIL_gets_452_and_the_session_goes_on_while_a_server_with_room_takes_it()
    {
        await using var roomy = await SmtpServerFixture.StartAsync(new Dictionary<string, string?> { ["CloudMail:EmbeddedStorage:MinFreeSpace"] = "1" });
        string user = await SmtpServerFixture.NewUserAsync(roomy);
        await using var full = await SmtpServerFixture.StartAsync(new Dictionary<string, string?> { ["CloudMail:EmbeddedStorage:MinFreeSpace"] = ReserveAboveTheDisk() });
        await using var client = await RawSmtpClient.ConnectAndEhloAsync(full.Port(EndpointKind.Smtp));

        Assert.Equal("452 4.3.1 Insufficient system storage, try again later", (await client.CommandAsync("MAIL FROM:<a@remote.test>")).ToString());
        Assert.Equal(250, (await client.CommandAsync("NOOP")).Code);
        Assert.Equal(503, (await client.CommandAsync($"RCPT TO:<{user}>")).Code);

        await using var fits = await RawSmtpClient.ConnectAndEhloAsync(roomy.Port(EndpointKind.Smtp));
        Assert.Equal(250, (await fits.CommandAsync("MAIL FROM:<a@remote.test>")).Code);
    }

    [Fact]
    public async Task The_declared_SIZE_counts_against_the_free_space_and_a_reserve_of_zero_is_never_checked()
    {
        await using var server = await SmtpServerFixture.StartAsync(new Dictionary<string, string?> { ["CloudMail:Smtp:MaxMessageSize"] = long.MaxValue.ToString() });
        long free = new DriveInfo(server.DataDirectory).AvailableFreeSpace;
        await using (var client = await RawSmtpClient.ConnectAndEhloAsync(server.Port(EndpointKind.Smtp)))
        {
            Assert.Equal(452, (await client.CommandAsync($"MAIL FROM:<a@remote.test> SIZE={free}")).Code);
            Assert.Equal(250, (await client.CommandAsync("MAIL FROM:<a@remote.test> SIZE=1000")).Code);
        }

        await using var off = await SmtpServerFixture.StartAsync(new Dictionary<string, string?>
        {
            ["CloudMail:EmbeddedStorage:MinFreeSpace"] = "0", ["CloudMail:Smtp:MaxMessageSize"] = long.MaxValue.ToString(),
        });
        await using var again = await RawSmtpClient.ConnectAndEhloAsync(off.Port(EndpointKind.Smtp));
        Assert.Equal(250, (await again.CommandAsync($"MAIL FROM:<a@remote.test> SIZE={long.MaxValue}")).Code);
    }

    [Fact]
    public async Task The_send_API_answers_503_and_IMAP_APPEND_NO_OVERQUOTA_storing_nothing()
    {
        var fixture = new SendApiServerFixture(new Dictionary<string, string?> { ["CloudMail:EmbeddedStorage:MinFreeSpace"] = ReserveAboveTheDisk() });
        await fixture.InitializeAsync();
        try
        {
            string user = await fixture.NewUserAsync("full");
            string json = $$"""{"from":"app@{{TestServer.Domain}}","to":["{{user}}"],"subject":"no room","text":"hello"}""";
            using HttpResponseMessage response = await fixture.PostAsync(new StringContent(json, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Contains("Storage is nearly full", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

            using var imap = new ImapClient { ServerCertificateValidationCallback = (_, _, _, _) => true };
            await imap.ConnectAsync("127.0.0.1", fixture.Server.Port(EndpointKind.Imaps), SecureSocketOptions.SslOnConnect);
            await imap.AuthenticateAsync(user, SendApiServerFixture.Password);
            var message = new MimeMessage { Subject = "draft" };
            message.From.Add(MailboxAddress.Parse(user));
            message.Body = new TextPart("plain") { Text = "a draft" };
            var refused = await Assert.ThrowsAsync<ImapCommandException>(() => imap.Inbox.AppendAsync(message));
            Assert.Equal("Not enough disk space", refused.ResponseText);
            await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
            Assert.Equal(0, imap.Inbox.Count);
        }
        finally
        {
            await fixture.DisposeAsync();
        }
    }
}
