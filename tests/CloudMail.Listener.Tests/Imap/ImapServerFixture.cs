using System.Text;
using CloudMail.Core.Mailboxes;
using CloudMail.Core.Messages;
using CloudMail.Core.Blobs;
using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Infrastructure;
using MailKit.Net.Imap;
using MailKit.Security;

namespace CloudMail.Listener.Tests.Imap;

/// <summary>One real server shared by a test class; each test gets its own user so tests stay independent.</summary>
public sealed class ImapServerFixture : IAsyncLifetime
{
    public const string Password = "correct horse battery";

    private int _users;

    public TestServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await TestServer.StartAsync(new Dictionary<string, string?>
    {
        ["CloudMail:Imap:PollInterval"] = "00:00:02",
    });

    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>A fresh user with the default mailboxes.</summary>
    public async Task<string> NewUserAsync()
    {
        string address = $"user{Interlocked.Increment(ref _users)}-{Guid.NewGuid():N}"[..24] + "@" + TestServer.Domain;
        await Server.AddUserAsync(address, Password);
        return address;
    }

    public Task<ImapClient> ConnectAsync(string user) => ImapTest.ConnectAsync(Server, user, Password);

    /// <summary>A fresh user and a raw client logged in as that user over 993.</summary>
    public async Task<(string User, RawImapClient Client)> NewRawLoginAsync()
    {
        string user = await NewUserAsync();
        return (user, await RawImapClient.LoginAsync(Server, user, Password));
    }
}

[CollectionDefinition(Name)]
public sealed class ImapCollection : ICollectionFixture<ImapServerFixture>
{
    public const string Name = "imap server";
}

/// <summary>Helpers shared by the IMAP tests.</summary>
public static class ImapTest
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>MailKit over 993 (implicit TLS), logged in.</summary>
    public static async Task<ImapClient> ConnectAsync(TestServer server, string user, string password)
    {
        var client = new ImapClient { ServerCertificateValidationCallback = (_, _, _, _) => true, Timeout = 30_000 };
        await client.ConnectAsync("127.0.0.1", server.Port(EndpointKind.Imaps), SecureSocketOptions.SslOnConnect);
        await client.AuthenticateAsync(user, password);
        return client;
    }

    /// <summary>Puts a message straight into a mailbox through the storage contracts (as local delivery does).</summary>
    public static async Task<uint> DeliverAsync(TestServer server, string account, string mailbox, string raw,
        MessageFlags flags = MessageFlags.None, DateTimeOffset? internalDate = null, IReadOnlyList<string>? keywords = null)
    {
        var writer = server.Get<IMessageBlobStore>().CreateWriter(MessageIds.New());
        await using (writer)
        {
            await writer.WriteAsync(Encoding.UTF8.GetBytes(raw), CancellationToken.None);
            var blob = await writer.CommitAsync(CancellationToken.None);
            var result = await server.Get<IMailboxIndex>().AppendAsync(account, mailbox, blob,
                internalDate ?? DateTimeOffset.UtcNow, flags, keywords ?? [], null, CancellationToken.None);
            server.Get<MailboxChangeNotifier>().Notify(account);
            return result.Uid;
        }
    }

    /// <summary>A plain text message with CRLF line endings.</summary>
    public static string TextMessage(string subject, string body = "Hello there.", string from = "Alice <alice@remote.test>", string to = "bob@example.test", string date = "Mon, 01 Jan 2024 10:00:00 +0000") =>
        $"From: {from}\r\nTo: {to}\r\nSubject: {subject}\r\nDate: {date}\r\nMessage-ID: <{Guid.NewGuid():N}@remote.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n";

    /// <summary>Runs a Python 3 script with arguments; returns stdout, throws with stderr when it fails.</summary>
    public static Task<string> PythonAsync(string script, params string[] args) => Python.RunAsync(script, args);

    /// <summary><see cref="PythonAsync"/>, its output as trimmed non-empty lines.</summary>
    public static async Task<string[]> PythonLinesAsync(string script, params string[] args) =>
        (await PythonAsync(script, args)).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
