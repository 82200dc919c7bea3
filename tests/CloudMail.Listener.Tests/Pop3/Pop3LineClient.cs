using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace CloudMail.Listener.Tests.Pop3;

/// <summary>
/// A minimal POP3 client for wire-level assertions: sends exact bytes, reads exact lines and raw
/// multi-line responses, upgrades with STLS. Every read gives up after a few seconds so a wrong server
/// fails the test instead of hanging it.
/// </summary>
internal sealed class Pop3LineClient : IAsyncDisposable
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(10);

    private readonly TcpClient _tcp;
    private Stream _stream;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    private Pop3LineClient(TcpClient tcp, Stream stream)
    {
        _tcp = tcp;
        _stream = stream;
    }

    public string Greeting { get; private set; } = "";

    /// <summary>
    /// Connects (from loopback address <paramref name="from"/> when given; see <see cref="Infrastructure.Loopback"/>),
    /// handshakes when <paramref name="implicitTls"/>, and reads the greeting.
    /// </summary>
    public static async Task<Pop3LineClient> ConnectAsync(int port, bool implicitTls, string? from = null)
    {
        var tcp = await Infrastructure.Loopback.ConnectAsync(port, from);
        Stream stream = tcp.GetStream();
        if (implicitTls) stream = await HandshakeAsync(stream);
        var client = new Pop3LineClient(tcp, stream);
        client.Greeting = await client.ReadLineAsync();
        return client;
    }

    /// <summary>Logs in with USER/PASS and asserts success.</summary>
    public async Task LoginAsync(string user, string password)
    {
        Assert.StartsWith("+OK", await CommandAsync("USER " + user));
        string reply = await CommandAsync("PASS " + password);
        Assert.True(reply.StartsWith("+OK", StringComparison.Ordinal), reply);
    }

    /// <summary>Sends STLS, expects +OK, and runs the TLS handshake.</summary>
    public async Task StartTlsAsync()
    {
        Assert.StartsWith("+OK", await CommandAsync("STLS"));
        Assert.Equal(_start, _end); // nothing may follow the +OK in plaintext
        _stream = await HandshakeAsync(_stream);
    }

    /// <summary>Runs the TLS handshake after the caller already read STLS's +OK.</summary>
    public async Task StartTlsHandshakeOnlyAsync()
    {
        Assert.Equal(_start, _end);
        _stream = await HandshakeAsync(_stream);
    }

    private static async Task<Stream> HandshakeAsync(Stream inner)
    {
        var ssl = new SslStream(inner, leaveInnerStreamOpen: false, (_, _, _, _) => true);
        await ssl.AuthenticateAsClientAsync("localhost");
        return ssl;
    }

    public async Task SendAsync(string text) => await SendAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    /// <summary>Sends one command line and returns the first reply line.</summary>
    public async Task<string> CommandAsync(string line)
    {
        await SendAsync(line + "\r\n");
        return await ReadLineAsync();
    }

    /// <summary>Sends a command with a multi-line answer; returns the status line and the lines (byte-stuffing undone).</summary>
    public async Task<(string Status, List<string> Lines)> MultiLineAsync(string line)
    {
        string status = await CommandAsync(line);
        if (!status.StartsWith("+OK", StringComparison.Ordinal)) return (status, []);
        var lines = new List<string>();
        while (true)
        {
            string next = await ReadLineAsync();
            if (next == ".") return (status, lines);
            lines.Add(next.StartsWith('.') ? next[1..] : next);
        }
    }

    /// <summary>Reads the raw bytes of a multi-line body up to and including the terminating ".CRLF".</summary>
    public async Task<byte[]> ReadRawMultiLineAsync()
    {
        var raw = new List<byte>();
        while (true)
        {
            byte[] line = await ReadLineBytesAsync();
            raw.AddRange(line);
            if (line.AsSpan().SequenceEqual(".\r\n"u8)) return [.. raw];
        }
    }

    /// <summary>One reply line without its CRLF (Latin-1, so every byte maps to one char).</summary>
    public async Task<string> ReadLineAsync()
    {
        byte[] line = await ReadLineBytesAsync();
        Assert.True(line.AsSpan().EndsWith("\r\n"u8), "reply lines end with CRLF");
        return Encoding.Latin1.GetString(line, 0, line.Length - 2);
    }

    /// <summary>
    /// True when the server closed the connection (EOF) before sending anything more; waits up to <paramref name="wait"/>
    /// (the usual read timeout when not given) and throws when nothing happened by then.
    /// </summary>
    public async Task<bool> IsClosedByServerAsync(TimeSpan? wait = null)
    {
        try
        {
            return _start == _end && await FillAsync(wait) == 0;
        }
        catch (IOException)
        {
            return true;
        }
    }

    private async Task<byte[]> ReadLineBytesAsync()
    {
        var line = new List<byte>();
        while (true)
        {
            if (_start == _end && await FillAsync() == 0)
                throw new IOException("Server closed the connection; read so far: " + Encoding.Latin1.GetString([.. line]));
            int lf = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            int stop = lf < 0 ? _end : lf + 1;
            line.AddRange(_buffer.AsSpan(_start, stop - _start).ToArray());
            _start = stop;
            if (lf >= 0) return [.. line];
        }
    }

    private async Task<int> FillAsync(TimeSpan? wait = null)
    {
        using var timeout = new CancellationTokenSource(wait ?? ReadTimeout);
        int read = await _stream.ReadAsync(_buffer, timeout.Token);
        _start = 0;
        _end = read;
        return read;
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _tcp.Dispose();
    }
}
