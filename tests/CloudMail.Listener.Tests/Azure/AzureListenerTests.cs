using System.Net;
using System.Security.Cryptography;
using System.Text;
using Azure.Messaging.ServiceBus;
using CloudMail.Core.Queue;
using CloudMail.Core.Blobs;
using CloudMail.Storage.Azure.Queue;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using MimeKit.IO;

namespace CloudMail.Listener.Tests.Azure;

/// <summary>
/// <c>cloudmail listener</c> on Azurite (Blob + Table) with the Service Bus client captured at the SDK seam: an SMTP
/// message from MailKit becomes exactly one inbound job whose blob holds the bytes the client sent, behind the
/// listener's Received header; the health endpoint answers for the container platform.
/// </summary>
public sealed class AzureListenerTests : IAsyncLifetime
{
    private AzureListenerServer _server = null!;

    public async Task InitializeAsync() => _server = await AzureListenerServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task An_smtp_message_becomes_exactly_one_inbound_job_whose_blob_holds_the_exact_bytes()
    {
        string recipient = await _server.NewUserAsync();
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("sender@elsewhere.example"));
        message.To.Add(MailboxAddress.Parse(recipient));
        message.Subject = "Azure mode";
        message.Body = new TextPart("plain") { Text = "One message, one job, one blob.\r\n.leading dot stays\r\n" };
        byte[] sent = Serialize(message);

        using (var client = new SmtpClient { ServerCertificateValidationCallback = (_, _, _, _) => true, Timeout = 15000 })
        {
            await client.ConnectAsync("127.0.0.1", _server.SmtpPort, SecureSocketOptions.StartTlsWhenAvailable);
            await client.SendAsync(message);
            await client.DisconnectAsync(quit: true);
        }

        var (queue, queued) = Assert.Single(_server.ServiceBus.Sent);
        Assert.Equal(QueueNames.Inbound, queue);
        Assert.False(string.IsNullOrEmpty(queued.MessageId));
        Assert.Equal("application/json", queued.ContentType);
        var job = ServiceBusJobMessages.ReadJob(ServiceBusModelFactory.ServiceBusReceivedMessage(body: queued.Body, messageId: queued.MessageId));
        Assert.Equal(job.JobId, queued.MessageId);
        Assert.Equal(job.MessageId, job.Blob.Id);
        Assert.Equal([recipient], job.Envelope.Recipients);
        Assert.Equal("sender@elsewhere.example", job.Envelope.MailFrom);
        Assert.DoesNotContain("One message, one job", queued.Body.ToString()); // a claim-check, never the body

        byte[] stored = await ReadBlobAsync(job.Blob.Id);
        Assert.Equal(job.Blob.Size, stored.Length);
        Assert.Equal(job.Blob.Sha256, Convert.ToHexStringLower(SHA256.HashData(stored)));
        int afterReceived = EndOfOurReceivedHeader(stored);
        Assert.Equal(Encoding.ASCII.GetString(sent), Encoding.ASCII.GetString(stored, afterReceived, stored.Length - afterReceived));
        Assert.Contains("by mx.listener.test", Encoding.ASCII.GetString(stored, 0, afterReceived));
    }

    [Fact]
    public async Task An_alias_forwarding_to_a_remote_domain_is_accepted_because_the_Functions_app_delivers()
    {
        await _server.NewUserAsync(); // adds the domain
        string alias = "fwd-" + Guid.NewGuid().ToString("N")[..8] + "@" + _server.Domain;
        await _server.Get<CloudMail.Core.Directory.IMailDirectory>().AddAliasAsync(alias, "friend@remote.example", CancellationToken.None);
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("sender@elsewhere.example"));
        message.To.Add(MailboxAddress.Parse(alias));
        message.Subject = "forwarded in Azure mode";
        message.Body = new TextPart("plain") { Text = "to be forwarded" };

        using (var client = new SmtpClient { ServerCertificateValidationCallback = (_, _, _, _) => true, Timeout = 15000 })
        {
            await client.ConnectAsync("127.0.0.1", _server.SmtpPort, SecureSocketOptions.StartTlsWhenAvailable);
            await client.SendAsync(message); // throws on a refused RCPT
            await client.DisconnectAsync(quit: true);
        }

        var (queue, _) = Assert.Single(_server.ServiceBus.Sent);
        Assert.Equal(QueueNames.Inbound, queue);
    }

    [Fact]
    public async Task The_health_endpoint_answers_200_when_listening_with_storage_reachable()
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_server.HealthPort}") };

        var health = await http.GetAsync("/healthz");
        var other = await http.GetAsync("/api/v1/messages");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("ok", (await health.Content.ReadAsStringAsync()).Trim());
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
    }

    [Fact]
    public async Task The_health_endpoint_answers_503_when_storage_is_unreachable()
    {
        // Nothing listens on port 1; the storage check gives up after its timeout.
        await using var server = await AzureListenerServer.StartAsync(
            "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;TableEndpoint=http://127.0.0.1:1/devstoreaccount1;",
            new Dictionary<string, string?> { ["CloudMail:Health:StorageTimeout"] = "00:00:02" });
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.HealthPort}"), Timeout = TimeSpan.FromSeconds(30) };

        var health = await http.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.StartsWith("storage", (await health.Content.ReadAsStringAsync()).Trim());
    }

    [Fact]
    public async Task A_draining_listener_reports_503_so_the_platform_stops_sending_it_work()
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_server.HealthPort}") };

        _server.Get<Microsoft.Extensions.Hosting.IHostApplicationLifetime>().StopApplication(); // what SIGTERM does first
        var health = await http.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal("draining", (await health.Content.ReadAsStringAsync()).Trim());
    }

    [Fact]
    public async Task The_listener_command_takes_no_further_words() =>
        Assert.Equal(2, await CloudMail.Listener.Hosting.CloudMailCommandLine.RunAsync(["listener", "now"]));

    /// <summary>The message as MailKit puts it on the wire (CRLF line ends; SMTP dot-stuffing is undone by the server).</summary>
    private static byte[] Serialize(MimeMessage message)
    {
        using var memory = new MemoryStream();
        message.WriteTo(new FormatOptions { NewLineFormat = NewLineFormat.Dos }, memory);
        return memory.ToArray();
    }

    private async Task<byte[]> ReadBlobAsync(string blobId)
    {
        await using var stream = await _server.Get<IMessageBlobStore>().OpenReadAsync(blobId, CancellationToken.None);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    /// <summary>Offset just past the first header field when it is a Received field (folded lines start with white space).</summary>
    private static int EndOfOurReceivedHeader(byte[] stored)
    {
        string text = Encoding.ASCII.GetString(stored);
        Assert.StartsWith("Received: ", text);
        int at = 0;
        do
        {
            at = text.IndexOf("\r\n", at, StringComparison.Ordinal) + 2;
        }
        while (at < text.Length && text[at] is ' ' or '\t');
        return at;
    }
}
