using System.Net.Http.Headers;
using System.Text.Json;
using System.Text;
using CloudMail.Core.Delivery;
using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Directory;
using CloudMail.Listener.Http;
using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Infrastructure;
using MailKit.Net.Imap;
using MailKit.Security;
using MailKit;
using MimeKit;

namespace CloudMail.Listener.Tests.Http;

/// <summary>
/// One real embedded server for the send API tests, with the local domain example.test, a send API key for it,
/// and an HttpClient on the bound HTTP port. Every test sends to a user of its own so tests do not see each
/// other's mail.
/// </summary>
public sealed class SendApiServerFixture : IAsyncLifetime
{
    public const string Password = "correct horse battery";

    private readonly IReadOnlyDictionary<string, string?>? _settings;

    public SendApiServerFixture()
    {
    }

    /// <summary>A server with <paramref name="settings"/> added to (or replacing) the fixture's own; for a test class that starts its own.</summary>
    internal SendApiServerFixture(IReadOnlyDictionary<string, string?> settings) => _settings = settings;

    public TestServer Server { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public string ApiKey { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var all = new Dictionary<string, string?> { ["CloudMail:Auth:MaxFailuresPerAccountAddress"] = "1000", ["CloudMail:Auth:MaxFailedAccountsPerAddress"] = "1000" };
        foreach (var (key, value) in _settings ?? new Dictionary<string, string?>()) all[key] = value;
        Server = await TestServer.StartAsync(all);
        await Server.Get<IMailDirectory>().AddDomainAsync(TestServer.Domain, CancellationToken.None);
        ApiKey = (await Server.Get<IApiKeyStore>().CreateAsync(TestServer.Domain, CancellationToken.None)).Key;
        Http = ClientFor(Server);
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (Server is not null) await Server.DisposeAsync();
    }

    /// <summary>A client on the server's HTTP port (read from listening-http.json, as a script would).</summary>
    public static HttpClient ClientFor(TestServer server)
    {
        using var file = JsonDocument.Parse(File.ReadAllText(Path.Combine(server.DataDirectory, HttpApiHostedService.ListeningFileName)));
        int port = file.RootElement.GetProperty("http").GetInt32();
        return new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>A new local user with default mailboxes.</summary>
    public async Task<string> NewUserAsync(string prefix)
    {
        string address = $"{prefix}-{Guid.NewGuid():N}"[..24] + "@" + TestServer.Domain;
        await Server.AddUserAsync(address, Password);
        return address;
    }

    /// <summary>POSTs a body with the fixture's key (or <paramref name="key"/>) and optional Idempotency-Key.</summary>
    public Task<HttpResponseMessage> PostAsync(HttpContent content, string? key = null, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/messages") { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key ?? ApiKey);
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return Http.SendAsync(request);
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public Task<HttpResponseMessage> GetStatusAsync(string messageId, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/messages/{messageId}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key ?? ApiKey);
        return Http.SendAsync(request);
    }

    /// <summary>Polls the delivery log until every recipient of the message has reached a final routing state.</summary>
    public async Task<IReadOnlyList<DeliveryRecord>> WaitForRoutingAsync(string messageId, int recipients)
    {
        var log = Server.Get<IDeliveryLog>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var records = await log.GetAsync(messageId, CancellationToken.None);
            if (records.Count == recipients && records.All(r => r.Attempts > 0)) return records;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"message {messageId} was not routed: {string.Join(", ", records)}");
            await Task.Delay(50);
        }
    }

    /// <summary>Logs in over IMAPS with MailKit and returns every INBOX message of the user.</summary>
    public async Task<IReadOnlyList<MimeMessage>> ReadInboxOverImapAsync(string user)
    {
        using var imap = new ImapClient { ServerCertificateValidationCallback = (_, _, _, _) => true };
        await imap.ConnectAsync("127.0.0.1", Server.Port(EndpointKind.Imaps), SecureSocketOptions.SslOnConnect);
        await imap.AuthenticateAsync(user, Password);
        await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
        var messages = new List<MimeMessage>();
        for (int i = 0; i < imap.Inbox.Count; i++) messages.Add(await imap.Inbox.GetMessageAsync(i));
        await imap.DisconnectAsync(true);
        return messages;
    }
}

[CollectionDefinition(Name)]
public sealed class SendApiServerCollection : ICollectionFixture<SendApiServerFixture>
{
    public const string Name = "Send API server";
}
