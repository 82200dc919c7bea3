using System.Net.Sockets;
using System.Text;
using CloudMail.Filtering.Antivirus;
using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Infrastructure;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace CloudMail.Filtering.Tests.Antivirus;

/// <summary>
/// Virus scanning with a real clamd (signatures written by the test: EICAR by MD5, one custom body signature): the client
/// alone, then the running embedded server on port 25 (refused in the session, clean mail delivered with its header, a
/// stopped scanner defers mail until it is back).
/// </summary>
public sealed class VirusScanningTests : IAsyncLifetime
{
    private const string Bob = "bob@" + TestServer.Domain;
    private const string BobPassword = "bob-password-1";

    private ClamdProcess _clamd = null!;

    public async Task InitializeAsync() => _clamd = await ClamdProcess.StartAsync();

    public async Task DisposeAsync() => await _clamd.DisposeAsync();

    private ClamdClient Client() => new(ClamdEndpoint.TryParse(_clamd.Endpoint)!);

    private static MemoryStream Bytes(string text) => new(Encoding.ASCII.GetBytes(text));

    [Fact]
    public async Task The_client_gets_clean_and_infected_verdicts_from_clamd()
    {
        Assert.IsType<ClamdVerdict.Clean>(await Client().ScanAsync(Bytes("Subject: hi\r\n\r\nnothing to see\r\n"), CancellationToken.None));
        // clamd marks signatures outside its official databases ".UNOFFICIAL".
        Assert.Equal(new ClamdVerdict.Infected("Eicar-Test-Signature.UNOFFICIAL"), await Client().ScanAsync(Bytes(ClamdProcess.Eicar), CancellationToken.None));
        var custom = await Client().ScanAsync(Bytes("Subject: x\r\n\r\nhere: " + ClamdProcess.CustomSignatureText + "\r\n"), CancellationToken.None);
        Assert.Equal(new ClamdVerdict.Infected("CloudMail-Test-Signature.UNOFFICIAL"), custom);
    }

    [Theory]
    [InlineData(64 * 1024 - 100)] // the signature ends in the first chunk's last bytes, the zero length follows in the same write
    [InlineData(64 * 1024)] // the content is exactly one chunk: the zero length goes alone
    [InlineData(200 * 1024)] // four chunks
    public async Task Content_of_several_chunks_is_scanned_whole(int size)
    {
        string tail = "here: " + ClamdProcess.CustomSignatureText + "\r\n";
        string head = "Subject: x\r\n\r\n";
        string content = head + new string('a', size - head.Length - tail.Length) + tail;
        Assert.Equal(size, content.Length);
        var client = Client();
        Assert.Equal(new ClamdVerdict.Infected("CloudMail-Test-Signature.UNOFFICIAL"), await client.ScanAsync(Bytes(content), CancellationToken.None));
        // The same session then answers the next scan (every chunk and the end were read by clamd, nothing left over).
        Assert.IsType<ClamdVerdict.Clean>(await client.ScanAsync(Bytes(head + new string('b', size - head.Length)), CancellationToken.None));
    }

    [Fact]
    public async Task Scans_share_session_connections_to_clamd_in_parallel_and_each_gets_its_own_verdict()
    {
        var client = Client();
        for (int i = 0; i < 20; i++)
            Assert.IsType<ClamdVerdict.Clean>(await client.ScanAsync(Bytes($"Subject: {i}\r\n\r\nclean {i}\r\n"), CancellationToken.None));
        Assert.Equal(1, client.ConnectionsOpened);

        // 48 callers at once, every third message infected: each caller gets the verdict of its own message.
        var scans = Enumerable.Range(0, 48).Select(i => Task.Run(async () =>
        {
            bool infected = i % 3 == 0;
            var verdict = await client.ScanAsync(Bytes($"Subject: {i}\r\n\r\n{(infected ? ClamdProcess.CustomSignatureText : "fine")} {i}\r\n"), CancellationToken.None);
            return (infected, verdict);
        }));
        foreach (var (infected, verdict) in await Task.WhenAll(scans))
        {
            if (infected) Assert.Equal(new ClamdVerdict.Infected("CloudMail-Test-Signature.UNOFFICIAL"), verdict);
            else Assert.IsType<ClamdVerdict.Clean>(verdict);
        }
        Assert.InRange(client.ConnectionsOpened, 1, 1 + 48);
        long afterParallel = client.ConnectionsOpened;
        for (int i = 0; i < 10; i++)
            Assert.IsType<ClamdVerdict.Clean>(await client.ScanAsync(Bytes("Subject: again\r\n\r\nclean\r\n"), CancellationToken.None));
        Assert.Equal(afterParallel, client.ConnectionsOpened);
    }

    [Fact]
    public async Task A_session_clamd_dropped_is_replaced_by_a_new_connection_and_a_stopped_clamd_is_an_error()
    {
        var client = Client();
        Assert.IsType<ClamdVerdict.Clean>(await client.ScanAsync(Bytes("Subject: a\r\n\r\nclean\r\n"), CancellationToken.None));
        await _clamd.StopAsync();
        await _clamd.StartAgainAsync();
        // The pooled session died with the old clamd: the scan goes to the new one.
        Assert.Equal(new ClamdVerdict.Infected("Eicar-Test-Signature.UNOFFICIAL"), await client.ScanAsync(Bytes(ClamdProcess.Eicar), CancellationToken.None));
        Assert.Equal(2, client.ConnectionsOpened);
        await _clamd.StopAsync();
        await Assert.ThrowsAnyAsync<SocketException>(() => client.ScanAsync(Bytes("Subject: b\r\n\r\nclean\r\n"), CancellationToken.None));
        await _clamd.StartAgainAsync();
        Assert.IsType<ClamdVerdict.Clean>(await client.ScanAsync(Bytes("Subject: c\r\n\r\nclean\r\n"), CancellationToken.None));
    }

    private static MimeMessage WithAttachment(string subject, string attachment)
    {
        var body = new BodyBuilder { TextBody = "see attachment" };
        body.Attachments.Add("file.com", Encoding.ASCII.GetBytes(attachment), new ContentType("application", "octet-stream"));
        return new MimeMessage([MailboxAddress.Parse("sender@remote.test")], [MailboxAddress.Parse(Bob)], subject, body.ToMessageBody());
    }

    private static async Task SendAsync(TestServer server, MimeMessage message)
    {
        using var smtp = new SmtpClient();
        await smtp.ConnectAsync("127.0.0.1", server.Port(EndpointKind.Smtp), SecureSocketOptions.None);
        await smtp.SendAsync(message);
        await smtp.DisconnectAsync(true);
    }

    [Fact]
    public async Task On_port_25_a_virus_is_refused_in_the_session_clean_mail_arrives_marked_and_a_stopped_scanner_defers()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["CloudMail:Antivirus:Clamd"] = _clamd.Endpoint,
            ["CloudMail:Antivirus:Timeout"] = "00:00:30", // never reached: clamd answers at once or refuses the connection (stopped)
            ["CloudMail:Pipeline:PollInterval"] = "00:00:00.100",
        });
        await server.AddUserAsync(Bob, BobPassword);

        var refused = await Assert.ThrowsAsync<SmtpCommandException>(() => SendAsync(server, WithAttachment("eicar", ClamdProcess.Eicar)));
        Assert.Equal(554, (int)refused.StatusCode);
        Assert.Contains("contains a virus (Eicar-Test-Signature", refused.Message, StringComparison.Ordinal);

        await SendAsync(server, WithAttachment("clean", "just a text file"));

        await _clamd.StopAsync();
        var deferred = await Assert.ThrowsAsync<SmtpCommandException>(() => SendAsync(server, WithAttachment("while down", "text")));
        Assert.Equal(451, (int)deferred.StatusCode);
        await _clamd.StartAgainAsync();
        await SendAsync(server, WithAttachment("after restart", "text"));

        var subjects = (await MailboxPoller.WaitForAsync(server, Bob, BobPassword, "INBOX", 2))
            .Select(m => (m.Subject ?? "", Header: m.Headers["X-Virus-Scanned"])).ToList();
        Assert.Equal(["after restart", "clean"], subjects.Select(s => s.Item1).Order(StringComparer.Ordinal));
        Assert.All(subjects, s => Assert.Equal("ClamAV; clean", s.Header));
    }

    [Fact]
    public async Task A_user_submitting_a_virus_on_587_is_refused_and_nothing_is_queued_while_clean_mail_goes()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["CloudMail:Antivirus:Clamd"] = _clamd.Endpoint,
            ["CloudMail:Antivirus:Timeout"] = "00:00:30", // never reached: clamd answers at once or refuses the connection (stopped)
            ["CloudMail:Pipeline:PollInterval"] = "00:00:00.100",
        });
        await server.AddUserAsync(Bob, BobPassword);
        const string Alice = "alice@" + TestServer.Domain;
        await server.AddUserAsync(Alice, BobPassword);

        async Task SubmitAsync(string subject, string attachment)
        {
            using var smtp = new SmtpClient { ServerCertificateValidationCallback = (_, _, _, _) => true };
            await smtp.ConnectAsync("127.0.0.1", server.Port(EndpointKind.Submission), SecureSocketOptions.StartTls);
            await smtp.AuthenticateAsync(Alice, BobPassword);
            var message = WithAttachment(subject, attachment);
            message.From.Clear();
            message.From.Add(MailboxAddress.Parse(Alice));
            await smtp.SendAsync(message);
            await smtp.DisconnectAsync(true);
        }

        var refused = await Assert.ThrowsAsync<SmtpCommandException>(() => SubmitAsync("eicar from a user", ClamdProcess.Eicar));
        Assert.Equal(554, (int)refused.StatusCode);
        Assert.Contains("contains a virus", refused.Message, StringComparison.Ordinal);
        await SubmitAsync("clean from a user", "just text");

        var arrived = (await MailboxPoller.WaitForAsync(server, Bob, BobPassword, "INBOX", 1, settle: TimeSpan.FromSeconds(1)))
            .Select(m => m.Subject ?? "").ToList();
        Assert.Equal(["clean from a user"], arrived);
    }
}
