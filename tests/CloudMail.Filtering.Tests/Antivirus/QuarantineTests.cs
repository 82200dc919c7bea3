using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CloudMail.Core.Admin;
using CloudMail.Core.Blobs;
using CloudMail.Core.Directory;
using CloudMail.Core.Quarantine;
using CloudMail.Listener.Hosting;
using CloudMail.Listener.Network;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using CloudMail.Listener.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CloudMail.Filtering.Tests.Antivirus;

/// <summary>
/// The quarantine end to end: the running embedded server with a real clamd (EICAR and the tests' own signature), messages
/// sent over the real HTTP send API (202 before any scan), the sender's view (GET status), the administrator's notice in
/// the postmaster's mailbox over IMAPS, the admin HTTP API and the <c>cloudmail quarantine</c> and <c>trace</c> commands
/// (the admin host <c>cloudmail</c> builds, on the running server's data folder), and the scanner-down policy with clamd
/// stopped and started again.
/// </summary>
public sealed class QuarantineTests : IAsyncLifetime
{
    private const string Password = "quarantine-password-1";
    private const string Bob = "bob@" + TestServer.Domain;
    private const string Alice = "alice@" + TestServer.Domain;
    private const string Postmaster = "postmaster@" + TestServer.Domain;

    private ClamdProcess _clamd = null!;
    private TestServer _server = null!;
    private HttpClient _http = null!;
    private string _apiKey = null!;
    private string _adminKey = null!;

    public async Task InitializeAsync()
    {
        _clamd = await ClamdProcess.StartAsync();
        _server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["CloudMail:Antivirus:Clamd"] = _clamd.Endpoint,
            ["CloudMail:Antivirus:Timeout"] = "00:00:30", // never reached: clamd answers at once or refuses the connection (stopped)
            ["CloudMail:Antivirus:UnavailableRetryAfter"] = "00:00:00.200",
            ["CloudMail:Pipeline:PollInterval"] = "00:00:00.100",
            ["CloudMail:Pipeline:RetryBaseDelay"] = "00:00:00.200",
            ["CloudMail:Pipeline:RetryMaxDelay"] = "00:00:00.500",
            ["CloudMail:Pipeline:MaxRetries"] = "100",
        });
        await _server.AddUserAsync(Bob, Password);
        await _server.AddUserAsync(Alice, Password);
        await _server.AddUserAsync(Postmaster, Password);
        _apiKey = (await _server.Get<IApiKeyStore>().CreateAsync(TestServer.Domain, CancellationToken.None)).Key;
        _adminKey = (await _server.Get<IAdminKeyStore>().CreateAsync([AdminScopes.Read, AdminScopes.Write], CancellationToken.None)).Key;
        using var listening = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_server.DataDirectory, "listening-http.json")));
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{listening.RootElement.GetProperty("http").GetInt32()}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        await _clamd.DisposeAsync();
    }

    /// <summary>POSTs a JSON message from Alice to Bob with one attachment; returns the message id of the 202.</summary>
    private async Task<string> SendAsync(string subject, string attachment)
    {
        string json = JsonSerializer.Serialize(new
        {
            from = Alice,
            to = new[] { Bob },
            subject,
            text = "see the attachment",
            attachments = new[] { new { filename = "file.com", contentType = "application/octet-stream", contentBase64 = Convert.ToBase64String(Encoding.ASCII.GetBytes(attachment)) } },
        });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/messages") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _apiKey);
        using var response = await _http.SendAsync(request);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("messageId").GetString()!;
    }

    /// <summary>The send API's status of Bob's copy, polled until it is <paramref name="status"/>: (status, lastReply).</summary>
    private async Task<(string Status, string LastReply)> WaitForStatusAsync(string messageId, string status)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/messages/{messageId}");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _apiKey);
            using var response = await _http.SendAsync(request);
            var recipient = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("recipients")[0];
            var seen = (recipient.GetProperty("status").GetString()!, recipient.TryGetProperty("lastReply", out var r) ? r.GetString() ?? "" : "");
            if (seen.Item1 == status) return seen;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"message {messageId} is {seen.Item1} ({seen.Item2}), not {status}");
            await Task.Delay(100);
        }
    }

    private async Task<HttpResponseMessage> AdminAsync(HttpMethod method, string path)
    {
        using var request = new HttpRequestMessage(method, "/api/v1/admin/" + path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _adminKey);
        return await _http.SendAsync(request);
    }

    /// <summary>Runs <c>cloudmail WORDS</c> as the command line does, on the running server's data folder.</summary>
    private async Task<(int Code, string Out, string Err)> CliAsync(params string[] words)
    {
        using var admin = CloudMailServerBuilder.BuildAdmin([], c => c.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CloudMail:DataDirectory"] = _server.DataDirectory,
        }));
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = await new AdminCommands(admin.Services, new StringReader(""), stdout, stderr).RunAsync(words, CancellationToken.None);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task A_virus_sent_through_the_send_API_is_quarantined_the_sender_sees_it_the_postmaster_is_told_and_release_delivers_it()
    {
        string clean = await SendAsync("clean via api", "just a text file");
        string eicar = await SendAsync("eicar via api", ClamdProcess.Eicar);

        var (_, reply) = await WaitForStatusAsync(eicar, "quarantined");
        Assert.Contains("Eicar-Test-Signature", reply, StringComparison.Ordinal);
        await WaitForStatusAsync(clean, "delivered");

        // Bob got only the clean message; the postmaster got a notice naming the message, without its content.
        var inbox = await MailboxPoller.WaitForAsync(_server, Bob, Password, "INBOX", 1, settle: TimeSpan.FromSeconds(1));
        Assert.Equal(["clean via api"], inbox.Select(m => m.Subject));
        var notices = await MailboxPoller.WaitForAsync(_server, Postmaster, Password, "INBOX", 1);
        var notice = Assert.Single(notices);
        Assert.Contains(eicar, notice.Subject, StringComparison.Ordinal);
        Assert.Contains("Eicar-Test-Signature", notice.TextBody, StringComparison.Ordinal);
        Assert.Contains($"cloudmail quarantine release {eicar}", notice.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("EICAR-STANDARD-ANTIVIRUS-TEST-FILE", notice.ToString(), StringComparison.Ordinal);
        Assert.Empty(notice.Attachments);

        // The CLI: list, show, and the trace with the verdict in the delivery log.
        var (listed, list, _) = await CliAsync("quarantine", "list");
        Assert.Equal(0, listed);
        string line = Assert.Single(list.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith(eicar + "  ", line, StringComparison.Ordinal);
        Assert.Contains("virus=Eicar-Test-Signature", line, StringComparison.Ordinal);
        Assert.Contains("via=send-api", line, StringComparison.Ordinal);
        Assert.Contains($"to={Bob}", line, StringComparison.Ordinal);
        var (shown, show, _) = await CliAsync("quarantine", "show", eicar);
        Assert.Equal(0, shown);
        Assert.Contains("Sender:       <" + Alice + ">", show, StringComparison.Ordinal);
        var (_, trace, _) = await CliAsync("trace", eicar);
        Assert.StartsWith($"{Bob}  quarantined  attempts 1  ", trace, StringComparison.Ordinal);
        Assert.Contains("554 5.7.1 quarantined: virus Eicar-Test-Signature", trace, StringComparison.Ordinal);
        var (_, cleanTrace, _) = await CliAsync("trace", clean);
        Assert.Contains("delivered to local mailbox (inbox; virus scan clean)", cleanTrace, StringComparison.Ordinal);

        // The admin API lists and shows it; the bytes are still in the blob store.
        using (var page = await AdminAsync(HttpMethod.Get, "quarantine"))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            var item = Assert.Single(JsonDocument.Parse(await page.Content.ReadAsStringAsync()).RootElement.GetProperty("items").EnumerateArray());
            Assert.Equal(eicar, item.GetProperty("messageId").GetString());
            Assert.Equal("send-api", item.GetProperty("source").GetString());
            Assert.StartsWith("Eicar-Test-Signature", item.GetProperty("signature").GetString(), StringComparison.Ordinal);
        }
        Assert.True(await _server.Get<IMessageBlobStore>().ExistsAsync(eicar, CancellationToken.None));

        // Released through the admin API: delivered, not scanned again (it would be found again), and gone from the quarantine.
        using (var released = await AdminAsync(HttpMethod.Post, $"quarantine/{eicar}/release"))
            Assert.Equal(HttpStatusCode.NoContent, released.StatusCode);
        var (_, deliveredReply) = await WaitForStatusAsync(eicar, "delivered");
        Assert.Contains("released from quarantine", deliveredReply, StringComparison.Ordinal);
        var both = await MailboxPoller.WaitForAsync(_server, Bob, Password, "INBOX", 2);
        Assert.Equal(["clean via api", "eicar via api"], both.Select(m => m.Subject ?? "").Order(StringComparer.Ordinal));
        using (var gone = await AdminAsync(HttpMethod.Get, $"quarantine/{eicar}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
            Assert.Equal("application/problem+json", gone.Content.Headers.ContentType?.MediaType);
        }
        Assert.Equal(1, (await CliAsync("quarantine", "release", eicar)).Code);
    }

    [Fact]
    public async Task The_custom_signature_is_quarantined_and_deleting_it_through_the_CLI_removes_its_bytes_and_fails_its_recipient()
    {
        string infected = await SendAsync("custom signature", "payload " + ClamdProcess.CustomSignatureText);
        var (_, reply) = await WaitForStatusAsync(infected, "quarantined");
        Assert.Contains("CloudMail-Test-Signature", reply, StringComparison.Ordinal);

        var (deleted, said, _) = await CliAsync("quarantine", "delete", infected);
        Assert.Equal(0, deleted);
        Assert.Equal($"message {infected} deleted from the quarantine", said.Trim());
        // The sender's status needs the message's header to prove ownership, which went with its bytes: the trace keeps it.
        var (_, trace, _) = await CliAsync("trace", infected);
        Assert.StartsWith($"{Bob}  failed  attempts 1  ", trace, StringComparison.Ordinal);
        Assert.Contains("554 5.7.1 deleted from quarantine: virus CloudMail-Test-Signature", trace, StringComparison.Ordinal);
        Assert.False(await _server.Get<IMessageBlobStore>().ExistsAsync(infected, CancellationToken.None));
        var (_, empty, emptyErr) = await CliAsync("quarantine", "list");
        Assert.Equal("", empty);
        Assert.Contains("the quarantine is empty", emptyErr, StringComparison.Ordinal);
        Assert.Equal(1, (await CliAsync("quarantine", "delete", infected)).Code);
        Assert.Equal(2, (await CliAsync("quarantine", "frobnicate")).Code);

        Assert.Empty(await MailboxPoller.WaitForAsync(_server, Bob, Password, "INBOX", 0, settle: TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task While_clamd_is_stopped_send_API_mail_waits_deferred_and_is_scanned_and_delivered_once_it_is_back()
    {
        await _clamd.StopAsync();
        string clean = await SendAsync("sent while down", "text");
        string eicar = await SendAsync("virus while down", ClamdProcess.Eicar);

        var (_, reply) = await WaitForStatusAsync(clean, "deferred");
        Assert.Contains("virus scanner unavailable", reply, StringComparison.Ordinal);
        await WaitForStatusAsync(eicar, "deferred");
        // Nothing is delivered unscanned while the scanner is down.
        Assert.Empty(await MailboxPoller.WaitForAsync(_server, Bob, Password, "INBOX", 0, settle: TimeSpan.FromSeconds(1)));

        await _clamd.StartAgainAsync();
        await WaitForStatusAsync(clean, "delivered");
        await WaitForStatusAsync(eicar, "quarantined");
        var inbox = await MailboxPoller.WaitForAsync(_server, Bob, Password, "INBOX", 1, settle: TimeSpan.FromSeconds(1));
        Assert.Equal(["sent while down"], inbox.Select(m => m.Subject));
    }

    [Fact]
    public async Task Port_25_mail_accepted_while_clamd_was_down_is_scanned_before_delivery_and_a_virus_is_quarantined()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["CloudMail:Antivirus:Clamd"] = _clamd.Endpoint,
            ["CloudMail:Antivirus:Timeout"] = "00:00:30", // never reached: clamd answers at once or refuses the connection (stopped)
            ["CloudMail:Antivirus:AcceptWhenUnavailable"] = "true",
            ["CloudMail:Antivirus:NotifyAdmin"] = Alice,
            ["CloudMail:Antivirus:UnavailableRetryAfter"] = "00:00:00.200",
            ["CloudMail:Pipeline:PollInterval"] = "00:00:00.100",
            ["CloudMail:Pipeline:RetryBaseDelay"] = "00:00:00.200",
            ["CloudMail:Pipeline:RetryMaxDelay"] = "00:00:00.500",
            ["CloudMail:Pipeline:MaxRetries"] = "100",
        });
        await server.AddUserAsync(Bob, Password);
        await server.AddUserAsync(Alice, Password);

        async Task SendOn25Async(string subject, string attachment)
        {
            var body = new BodyBuilder { TextBody = "see attachment" };
            body.Attachments.Add("file.com", Encoding.ASCII.GetBytes(attachment), new ContentType("application", "octet-stream"));
            using var smtp = new SmtpClient();
            await smtp.ConnectAsync("127.0.0.1", server.Port(EndpointKind.Smtp), SecureSocketOptions.None);
            await smtp.SendAsync(new MimeMessage([MailboxAddress.Parse("sender@remote.test")], [MailboxAddress.Parse(Bob)], subject, body.ToMessageBody()));
            await smtp.DisconnectAsync(true);
        }

        await _clamd.StopAsync();
        await SendOn25Async("clean while down", "text"); // accepted (250) unscanned, by policy
        await SendOn25Async("virus while down", ClamdProcess.Eicar);
        Assert.Empty(await MailboxPoller.WaitForAsync(server, Bob, Password, "INBOX", 0, settle: TimeSpan.FromSeconds(1)));

        await _clamd.StartAgainAsync();
        var inbox = await MailboxPoller.WaitForAsync(server, Bob, Password, "INBOX", 1, settle: TimeSpan.FromSeconds(1));
        Assert.Equal(["clean while down"], inbox.Select(m => m.Subject));
        var entry = Assert.Single(await server.Get<QuarantineAdministration>().ListAsync(CancellationToken.None));
        Assert.Equal("smtp", entry.Source);
        Assert.StartsWith("Eicar-Test-Signature", entry.Signature, StringComparison.Ordinal);
        // NotifyAdmin names one address: the notice goes there, not to a postmaster.
        var notice = Assert.Single(await MailboxPoller.WaitForAsync(server, Alice, Password, "INBOX", 1));
        Assert.Contains(entry.MessageId, notice.Subject, StringComparison.Ordinal);
        Assert.Contains("Came in via:  smtp", notice.TextBody, StringComparison.Ordinal);
    }
}
