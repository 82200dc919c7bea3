using System.Text;
using CloudMail.Core.Directory;
using CloudMail.Core.Mailboxes;
using CloudMail.Core.Blobs;
using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CloudMail.Listener.Tests.Smtp;

/// <summary>
/// One real server per test class, with only the SMTP endpoints on and limits small enough to test
/// (message size 100000, 5 recipients). Tests create their own users so they never see each other's mail.
/// Failed-login refusals are effectively off here (the short test delays remain); tests of throttling start their own server.
/// </summary>
public sealed class SmtpServerFixture : IAsyncLifetime
{
    public const string Password = "correct horse battery";
    public const long MaxMessageSize = 100_000;
    public const int MaxRecipients = 5;

    public TestServer Server { get; private set; } = null!;

    /// <summary>Settings every SMTP test server uses, plus <paramref name="extra"/>.</summary>
    public static Dictionary<string, string?> Settings(IDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            // IMAP, POP3 and the HTTP API are not under test here.
            ["CloudMail:Ports:Http"] = "-1",
            ["CloudMail:Ports:Imap"] = "-1",
            ["CloudMail:Ports:Imaps"] = "-1",
            ["CloudMail:Ports:Pop3"] = "-1",
            ["CloudMail:Ports:Pop3s"] = "-1",
            ["CloudMail:Smtp:MaxMessageSize"] = MaxMessageSize.ToString(),
            ["CloudMail:Smtp:MaxRecipients"] = MaxRecipients.ToString(),
            ["CloudMail:Auth:MaxFailuresPerAccountAddress"] = "10000",
            ["CloudMail:Auth:MaxFailedAccountsPerAddress"] = "10000",
        };
        if (extra is not null)
            foreach (var (k, v) in extra) settings[k] = v;
        return settings;
    }

    public async Task InitializeAsync() => Server = await StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>A server with <see cref="Settings"/> and the local domain; <paramref name="services"/> replaces registrations.</summary>
    public static async Task<TestServer> StartAsync(IDictionary<string, string?>? extra = null, Action<IServiceCollection>? services = null)
    {
        var server = await TestServer.StartAsync(Settings(extra), services: services);
        await server.Get<IMailDirectory>().AddDomainAsync(TestServer.Domain, CancellationToken.None);
        return server;
    }

    /// <summary>A fresh local user with <see cref="Password"/>.</summary>
    public Task<string> NewUserAsync() => NewUserAsync(Server);

    /// <summary>A client on port 465 that has said EHLO and logged in as <paramref name="user"/> (AUTH PLAIN).</summary>
    internal static async Task<RawSmtpClient> SubmissionAsync(TestServer server, string user)
    {
        var client = await RawSmtpClient.ConnectAndEhloAsync(server.Port(EndpointKind.Submissions), implicitTls: true);
        string plain = Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{user}\0{Password}"));
        Assert.Equal("235 2.7.0 Authentication successful", (await client.CommandAsync("AUTH PLAIN " + plain)).ToString());
        return client;
    }

    public static async Task<string> NewUserAsync(TestServer server)
    {
        string address = "u" + Guid.NewGuid().ToString("N")[..12] + "@" + TestServer.Domain;
        await server.AddUserAsync(address, Password);
        return address;
    }

    /// <summary>
    /// Waits (up to 15 s) until <paramref name="account"/>'s INBOX holds at least <paramref name="count"/>
    /// messages (the pipeline worker delivers them), then returns the INBOX.
    /// </summary>
    public static async Task<IReadOnlyList<MessageRecord>> WaitForInboxAsync(TestServer server, string account, int count = 1)
    {
        var index = server.Get<IMailboxIndex>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            var messages = await index.GetMessagesAsync(account, "INBOX", CancellationToken.None);
            if (messages.Count >= count || DateTime.UtcNow > deadline) return messages;
            await Task.Delay(50);
        }
    }

    /// <summary>Inbox right now, without waiting.</summary>
    public static Task<IReadOnlyList<MessageRecord>> InboxAsync(TestServer server, string account) =>
        server.Get<IMailboxIndex>().GetMessagesAsync(account, "INBOX", CancellationToken.None);

    /// <summary>The stored bytes of a message as text.</summary>
    public static async Task<string> ReadAsync(TestServer server, MessageRecord message)
    {
        await using var stream = await server.Get<IMessageBlobStore>().OpenReadAsync(message.Blob.Id, CancellationToken.None);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }

    /// <summary>Waits for exactly one message in the INBOX and returns its stored text.</summary>
    public static async Task<string> SingleDeliveredAsync(TestServer server, string account)
    {
        await WaitForInboxAsync(server, account);
        await Task.Delay(200); // a second (wrong) delivery would show up by now
        var message = Assert.Single(await InboxAsync(server, account));
        return await ReadAsync(server, message);
    }
}
