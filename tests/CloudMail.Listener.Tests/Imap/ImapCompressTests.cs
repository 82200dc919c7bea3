using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Infrastructure;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using MimeKit;

namespace CloudMail.Listener.Tests.Imap;

/// <summary>COMPRESS=DEFLATE (RFC 4978) with MailKit and with Python's imaplib over zlib.</summary>
[Collection(ImapCollection.Name)]
public class ImapCompressTests(ImapServerFixture fixture)
{
    /// <summary>
    /// imaplib has no COMPRESS: after the OK the script swaps its read/send for raw DEFLATE (zlib, wbits -15) over the
    /// socket, counting the octets that really cross the wire.
    /// </summary>
    private const string Script = """
        import imaplib, ssl, sys, zlib, hashlib
        host, port, mode, user, pw = sys.argv[1:6]
        ctx = ssl._create_unverified_context()
        imaplib.Commands['COMPRESS'] = ('NONAUTH', 'AUTH', 'SELECTED')  # let the server judge the state
        if mode == 'ssl':
            M = imaplib.IMAP4_SSL(host, int(port), ssl_context=ctx)
        else:
            M = imaplib.IMAP4(host, int(port))
            M.starttls(ssl_context=ctx)
        try:
            M._simple_command('COMPRESS', 'DEFLATE')
            print('early accepted')
        except imaplib.IMAP4.error as e:
            print('early refused', str(e))
        M.login(user, pw)
        print('advertised', 'COMPRESS=DEFLATE' in M.capabilities)
        typ, data = M._simple_command('COMPRESS', 'DEFLATE')
        print('compress', typ)
        sock, buf, wire = M.sock, bytearray(), [0]
        c, d = zlib.compressobj(6, zlib.DEFLATED, -15), zlib.decompressobj(-15)
        def fill():
            data = sock.recv(65536)
            if not data: raise EOFError('closed')
            wire[0] += len(data)
            buf.extend(d.decompress(data))
        def readline(size=-1):
            while b'\n' not in buf: fill()
            i = buf.index(b'\n') + 1
            line = bytes(buf[:i]); del buf[:i]; return line
        def read(n):
            while len(buf) < n: fill()
            out = bytes(buf[:n]); del buf[:n]; return out
        def send(data):
            sock.sendall(c.compress(data) + c.flush(zlib.Z_SYNC_FLUSH))
        M.readline, M.read, M.send = readline, read, send
        typ, data = M._simple_command('COMPRESS', 'DEFLATE')
        print('again', typ, M.response('COMPRESSIONACTIVE')[0])
        body = ('All work and no play makes Jack a dull boy.\r\n' * 2000).encode()
        msg = b'Subject: compressed\r\n\r\n' + body
        typ, data = M.append('INBOX', None, None, msg)
        print('append', typ)
        typ, data = M.select('INBOX')
        print('exists', data[0].decode())
        before = wire[0]
        typ, data = M.fetch('1', '(BODY.PEEK[])')
        got = data[0][1]
        print('same', hashlib.sha256(got).hexdigest() == hashlib.sha256(msg).hexdigest())
        print('fetched', len(got), wire[0] - before)
        typ, data = M.list()
        print('list', len(data))
        typ, data = M.logout()
        print('logout', typ)
        """;

    [Theory]
    [InlineData("ssl")]
    [InlineData("starttls")]
    public async Task Imaplib_compresses_both_ways_after_tls_and_a_second_compress_is_refused(string mode)
    {
        string user = await fixture.NewUserAsync();
        int port = fixture.Server.Port(mode == "ssl" ? EndpointKind.Imaps : EndpointKind.Imap);

        var lines = await ImapTest.PythonLinesAsync(Script, "127.0.0.1", port.ToString(CultureInfo.InvariantCulture), mode, user, ImapServerFixture.Password);

        Assert.Contains(lines, l => l.StartsWith("early refused", StringComparison.Ordinal) && l.Contains("not valid in the not authenticated state", StringComparison.Ordinal)); // not before authentication
        Assert.Contains("advertised True", lines);
        Assert.Contains("compress OK", lines);
        Assert.Contains("again NO COMPRESSIONACTIVE", lines);
        Assert.Contains("append OK", lines);
        Assert.Contains("exists 1", lines);
        Assert.Contains("same True", lines);
        string[] fetched = lines.Single(l => l.StartsWith("fetched ", StringComparison.Ordinal)).Split(' ');
        int size = int.Parse(fetched[1], CultureInfo.InvariantCulture), wire = int.Parse(fetched[2], CultureInfo.InvariantCulture);
        Assert.True(wire < size / 10, $"{size} octets of repetitive text took {wire} octets on the wire");
        Assert.Contains("list 5", lines);
        Assert.Contains("logout BYE", lines);
    }

    [Fact]
    public async Task MailKit_compresses_on_993_and_everything_keeps_working()
    {
        string user = await fixture.NewUserAsync();
        using var client = await fixture.ConnectAsync(user);
        Assert.True(client.Capabilities.HasFlag(ImapCapabilities.Compress));

        await client.CompressAsync();

        byte[] attachment = RandomNumberGenerator.GetBytes(200_000); // incompressible: many deflate blocks, several flushes
        var message = new MimeMessage { Subject = "zipped" };
        message.From.Add(MailboxAddress.Parse("alice@remote.test"));
        message.To.Add(MailboxAddress.Parse(user));
        var builder = new BodyBuilder { TextBody = "See attached." };
        builder.Attachments.Add("noise.bin", attachment);
        message.Body = builder.ToMessageBody();
        await client.Inbox.AppendAsync(message);
        await client.Inbox.OpenAsync(FolderAccess.ReadWrite);
        var fetched = await client.Inbox.GetMessageAsync(0);
        var part = (MimePart)fetched.Attachments.Single();
        using var decoded = new MemoryStream();
        await part.Content!.DecodeToAsync(decoded);
        Assert.Equal(attachment, decoded.ToArray());
        Assert.Equal(5, (await client.GetFoldersAsync(client.PersonalNamespaces[0])).Count);
        await client.NoOpAsync();
        await client.DisconnectAsync(true);
    }

    [Fact]
    public async Task Compress_on_143_after_starttls_works_with_mailkit()
    {
        string user = await fixture.NewUserAsync();
        using var client = new ImapClient { ServerCertificateValidationCallback = (_, _, _, _) => true, Timeout = 30_000 };
        await client.ConnectAsync("127.0.0.1", fixture.Server.Port(EndpointKind.Imap), SecureSocketOptions.StartTls);
        await client.AuthenticateAsync(user, ImapServerFixture.Password);

        await client.CompressAsync();

        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("over starttls", body: new string('z', 5000)));
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
        Assert.Equal("over starttls", (await client.Inbox.GetMessageAsync(0)).Subject);
        await client.DisconnectAsync(true);
    }

    [Fact]
    public async Task Idle_inside_compression_pushes_new_mail_and_ends_on_done()
    {
        string user = await fixture.NewUserAsync();
        using var client = await fixture.ConnectAsync(user);
        await client.CompressAsync();
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Inbox.CountChanged += (_, _) => arrived.TrySetResult();
        using var done = new CancellationTokenSource();

        Task idle = client.IdleAsync(done.Token);
        await Task.Delay(200);
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("pushed while compressed"));
        await arrived.Task.WaitAsync(ImapTest.Timeout);
        await done.CancelAsync();
        await idle; // the DONE went out compressed and the server ended IDLE

        Assert.Equal(1, client.Inbox.Count);
        await client.NoOpAsync();
        await client.DisconnectAsync(true);
    }

    [Fact]
    public async Task Unknown_mechanism_is_bad_and_leaves_the_connection_uncompressed()
    {
        var (_, c) = await fixture.NewRawLoginAsync();
        await using var _c = c;

        Assert.Equal(["z BAD Unknown compression mechanism LZMA"], await c.CommandAsync("z COMPRESS LZMA", "z"));
        Assert.Equal(["n OK NOOP completed"], await c.CommandAsync("n NOOP", "n"));
    }

    [Fact]
    public async Task Garbage_instead_of_deflate_closes_the_connection()
    {
        var (_, c) = await fixture.NewRawLoginAsync();
        await using var _c = c;
        Assert.Equal(["z OK DEFLATE active"], await c.CommandAsync("z COMPRESS DEFLATE", "z"));

        await c.SendAsync(Encoding.ASCII.GetBytes("n NOOP\r\n")); // not DEFLATE: a stored block header would be needed

        Assert.True(await c.IsClosedAsync());
    }

    /// <summary>
    /// The write timeout still holds inside compression: a client that pipelines compressed FETCHes of an
    /// incompressible message and never reads is dropped, as an uncompressed one is (<see cref="Network.WriteTimeoutTests"/>).
    /// </summary>
    [Fact]
    public async Task A_compressed_client_that_never_reads_is_disconnected_after_the_write_timeout()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["CloudMail:WriteTimeout"] = "00:00:01",
            ["CloudMail:Imap:AllowInsecureAuth"] = "true",
        });
        const string user = "stall@" + TestServer.Domain;
        await server.AddUserAsync(user, ImapServerFixture.Password);
        string noise = string.Join("\r\n", Convert.ToBase64String(RandomNumberGenerator.GetBytes(150_000)).Chunk(76).Select(c => new string(c)));
        await ImapTest.DeliverAsync(server, user, "INBOX", ImapTest.TextMessage("noise", body: noise));

        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await socket.ConnectAsync(IPAddress.Loopback, server.Port(EndpointKind.Imap));
        await using var network = new NetworkStream(socket, ownsSocket: false);
        await ReadLineAsync(network); // greeting
        await network.WriteAsync(Encoding.ASCII.GetBytes($"a LOGIN \"{user}\" \"{ImapServerFixture.Password}\"\r\nb SELECT INBOX\r\nc COMPRESS DEFLATE\r\n"));
        while (!(await ReadLineAsync(network)).StartsWith("c OK", StringComparison.Ordinal)) { }
        var deflate = new DeflateStream(network, CompressionLevel.Fastest, leaveOpen: true);
        byte[] batch = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("f FETCH 1 BODY.PEEK[]\r\n", 64)));

        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        Exception dropped;
        try
        {
            dropped = await Assert.ThrowsAnyAsync<Exception>(async () =>
            {
                while (true)
                {
                    await deflate.WriteAsync(batch, limit.Token);
                    await deflate.FlushAsync(limit.Token);
                }
            });
        }
        finally
        {
            try { await deflate.DisposeAsync(); } catch (IOException) { } // its final block has nowhere to go
        }

        Assert.True(dropped is IOException or SocketException, dropped.ToString()); // not the 20 s limit
    }

    /// <summary>One uncompressed line, read byte by byte so that nothing after it is consumed.</summary>
    private static async Task<string> ReadLineAsync(Stream stream)
    {
        var line = new List<byte>();
        var one = new byte[1];
        while (await stream.ReadAsync(one) == 1 && one[0] != '\n') line.Add(one[0]);
        return Encoding.ASCII.GetString([.. line]).TrimEnd('\r');
    }
}
