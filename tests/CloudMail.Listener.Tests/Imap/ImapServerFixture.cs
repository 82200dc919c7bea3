using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using CloudMail.Core.Mailboxes;
using CloudMail.Core.Messages;
using CloudMail.Core.Storage;
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
        MessageFlags flags = MessageFlags.None, DateTimeOffset? internalDate = null)
    {
        var writer = server.Get<IMessageBlobStore>().CreateWriter(MessageIds.New());
        await using (writer)
        {
            await writer.WriteAsync(Encoding.UTF8.GetBytes(raw), CancellationToken.None);
            var blob = await writer.CommitAsync(CancellationToken.None);
            var result = await server.Get<IMailboxIndex>().AppendAsync(account, mailbox, blob,
                internalDate ?? DateTimeOffset.UtcNow, flags, [], null, CancellationToken.None);
            server.Get<MailboxChangeNotifier>().Notify(account);
            return result.Uid;
        }
    }

    /// <summary>A plain text message with CRLF line endings.</summary>
    public static string TextMessage(string subject, string body = "Hello there.", string from = "Alice <alice@remote.test>", string to = "bob@example.test", string date = "Mon, 01 Jan 2024 10:00:00 +0000") =>
        $"From: {from}\r\nTo: {to}\r\nSubject: {subject}\r\nDate: {date}\r\nMessage-ID: <{Guid.NewGuid():N}@remote.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n";

    /// <summary>Runs a Python 3 script with arguments; returns stdout, throws with stderr when it fails.</summary>
    public static async Task<string> PythonAsync(string script, params string[] args)
    {
        string file = Path.Combine(Path.GetTempPath(), "cloudmail-imap-" + Guid.NewGuid().ToString("N") + ".py");
        await File.WriteAllTextAsync(file, script);
        try
        {
            var psi = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add(file);
            foreach (string a in args) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await p.WaitForExitAsync(cts.Token);
            if (p.ExitCode != 0) throw new InvalidOperationException($"python exited {p.ExitCode}:\n{await stderr}\n{await stdout}");
            return await stdout;
        }
        finally
        {
            File.Delete(file);
        }
    }
}

/// <summary>
/// A line-level IMAP client over TCP (and TLS) for asserting exact protocol behaviour: sends raw bytes,
/// reads response lines (literals included verbatim).
/// </summary>
public sealed class RawImapClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private Stream _stream;
    private readonly List<byte> _pending = [];

    private RawImapClient(TcpClient tcp, Stream stream)
    {
        _tcp = tcp;
        _stream = stream;
    }

    public static async Task<RawImapClient> ConnectAsync(TestServer server, bool implicitTls)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", server.Port(implicitTls ? EndpointKind.Imaps : EndpointKind.Imap));
        Stream stream = tcp.GetStream();
        var client = new RawImapClient(tcp, stream);
        if (implicitTls) await client.StartTlsAsync();
        return client;
    }

    /// <summary>Connects and logs in over 993.</summary>
    public static async Task<RawImapClient> LoginAsync(TestServer server, string user, string password)
    {
        var client = await ConnectAsync(server, implicitTls: true);
        await client.ReadLineAsync();
        await client.CommandAsync($"L LOGIN \"{user}\" \"{password}\"", "L");
        return client;
    }

    public async Task StartTlsAsync()
    {
        var ssl = new SslStream(_stream, false, (_, _, _, _) => true);
        await ssl.AuthenticateAsClientAsync("localhost");
        _stream = ssl;
        _pending.Clear();
    }

    public async Task SendAsync(string text) => await SendAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    /// <summary>One CRLF-terminated line (without CRLF); null when the server closed the connection.</summary>
    public async Task<string?> ReadLineAsync()
    {
        using var cts = new CancellationTokenSource(ImapTest.Timeout);
        while (true)
        {
            int lf = _pending.IndexOf((byte)'\n');
            if (lf >= 0)
            {
                string line = Encoding.UTF8.GetString([.. _pending.GetRange(0, lf)]).TrimEnd('\r');
                _pending.RemoveRange(0, lf + 1);
                return line;
            }
            var buffer = new byte[8192];
            int n = await _stream.ReadAsync(buffer, cts.Token);
            if (n == 0) return _pending.Count > 0 ? Take() : null;
            _pending.AddRange(buffer.AsSpan(0, n).ToArray());
        }

        string Take()
        {
            string rest = Encoding.UTF8.GetString([.. _pending]);
            _pending.Clear();
            return rest;
        }
    }

    /// <summary>Exactly <paramref name="count"/> raw bytes (a literal's content).</summary>
    public async Task<byte[]> ReadBytesAsync(int count)
    {
        using var cts = new CancellationTokenSource(ImapTest.Timeout);
        while (_pending.Count < count)
        {
            var buffer = new byte[8192];
            int n = await _stream.ReadAsync(buffer, cts.Token);
            if (n == 0) throw new EndOfStreamException();
            _pending.AddRange(buffer.AsSpan(0, n).ToArray());
        }
        byte[] result = [.. _pending.GetRange(0, count)];
        _pending.RemoveRange(0, count);
        return result;
    }

    /// <summary>Sends a command line and returns every response line up to and including the tagged one.</summary>
    public async Task<List<string>> CommandAsync(string line, string tag)
    {
        await SendAsync(line + "\r\n");
        return await ReadUntilTaggedAsync(tag);
    }

    public async Task<List<string>> ReadUntilTaggedAsync(string tag)
    {
        var lines = new List<string>();
        while (true)
        {
            string? line = await ReadLineAsync() ?? throw new EndOfStreamException("Connection closed; got:\n" + string.Join("\n", lines));
            lines.Add(line);
            if (line.StartsWith(tag + " ", StringComparison.Ordinal)) return lines;
        }
    }

    /// <summary>True when the server has closed the connection (reads to the end).</summary>
    public async Task<bool> IsClosedAsync()
    {
        try
        {
            while (await ReadLineAsync() is not null) { }
            return true;
        }
        catch (IOException)
        {
            return true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _tcp.Dispose();
    }
}
