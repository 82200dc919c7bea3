using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace CloudMail.Listener.Tests.Smtp;

/// <summary>One SMTP reply as the client received it.</summary>
internal sealed record RawReply(int Code, IReadOnlyList<string> Lines)
{
    /// <summary>The last line without the code, e.g. "2.0.0 Ok".</summary>
    public string Text => Lines[^1].Length > 4 ? Lines[^1][4..] : string.Empty;

    /// <summary>Keywords of an EHLO reply (each line after the first, without the code).</summary>
    public IEnumerable<string> Extensions => Lines.Skip(1).Select(l => l[4..]);

    public override string ToString() => string.Join(" | ", Lines);
}

/// <summary>
/// A raw socket SMTP client for tests that must control the exact bytes (pipelining, smuggling, STARTTLS
/// injection, over-long lines). Sends exactly what it is given; reads replies line by line.
/// </summary>
internal sealed class RawSmtpClient : IAsyncDisposable
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);
    private readonly TcpClient _tcp;
    private Stream _stream;
    private readonly byte[] _buffer = new byte[16384];
    private int _start;
    private int _end;

    private RawSmtpClient(TcpClient tcp, Stream stream)
    {
        _tcp = tcp;
        _stream = stream;
    }

    /// <summary>
    /// Connects (from loopback address <paramref name="from"/> when given; see <see cref="Infrastructure.Loopback"/>); with
    /// <paramref name="implicitTls"/> does the TLS handshake first (port 465). Does not read the greeting.
    /// </summary>
    public static async Task<RawSmtpClient> ConnectAsync(int port, bool implicitTls = false, string? from = null)
    {
        var tcp = await Infrastructure.Loopback.ConnectAsync(port, from);
        var client = new RawSmtpClient(tcp, tcp.GetStream());
        if (implicitTls) await client.HandshakeAsync();
        return client;
    }

    /// <summary>Connects, reads the 220 greeting and says EHLO.</summary>
    public static async Task<RawSmtpClient> ConnectAndEhloAsync(int port, bool implicitTls = false, string? from = null)
    {
        var client = await ConnectAsync(port, implicitTls, from);
        Assert.Equal(220, (await client.ReadReplyAsync()).Code);
        Assert.Equal(250, (await client.CommandAsync("EHLO client.test")).Code);
        return client;
    }

    public async Task SendAsync(string text) => await SendAsync(Encoding.UTF8.GetBytes(text));

    /// <summary>Sends the bytes in one write (one TCP segment on loopback for small sizes).</summary>
    public async Task SendAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    /// <summary>Sends a command line (CRLF added) and reads its reply.</summary>
    public async Task<RawReply> CommandAsync(string line)
    {
        await SendAsync(line + "\r\n");
        return await ReadReplyAsync();
    }

    /// <summary>Reads one (possibly multi-line) reply. Throws on timeout or when the connection closes first.</summary>
    public async Task<RawReply> ReadReplyAsync(TimeSpan? timeout = null)
    {
        var lines = new List<string>();
        while (true)
        {
            string line = await ReadLineAsync(timeout ?? DefaultTimeout) ?? throw new IOException("Connection closed; replies so far: " + string.Join(" | ", lines));
            lines.Add(line);
            if (line.Length < 3 || !int.TryParse(line.AsSpan(0, 3), out int code)) throw new InvalidDataException("Not a reply line: " + line);
            if (line.Length == 3 || line[3] == ' ') return new RawReply(code, lines);
        }
    }

    /// <summary>Performs the client side of the TLS handshake (after "220 Ready to start TLS"); accepts the test certificate.</summary>
    public async Task HandshakeAsync()
    {
        Assert.True(_start == _end, "unread plaintext before the TLS handshake");
        var ssl = new SslStream(_stream, leaveInnerStreamOpen: false, (_, _, _, _) => true);
        await ssl.AuthenticateAsClientAsync("mail.example.test");
        _stream = ssl;
    }

    /// <summary>Sends STARTTLS, expects 220, does the handshake.</summary>
    public async Task StartTlsAsync()
    {
        var reply = await CommandAsync("STARTTLS");
        Assert.Equal(220, reply.Code);
        await HandshakeAsync();
    }

    /// <summary>True when the server closes the connection within <paramref name="timeout"/> (any unread replies are skipped).</summary>
    public async Task<bool> IsClosedByServerAsync(TimeSpan timeout)
    {
        try
        {
            while (true)
            {
                if (await ReadLineAsync(timeout) is null) return true;
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    /// <summary>Null when nothing arrives within <paramref name="timeout"/>.</summary>
    public async Task<string?> TryReadLineAsync(TimeSpan timeout)
    {
        try
        {
            return await ReadLineAsync(timeout);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    private async Task<string?> ReadLineAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            int lf = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (lf >= 0)
            {
                string line = Encoding.UTF8.GetString(_buffer, _start, lf - _start).TrimEnd('\r');
                _start = lf + 1;
                return line;
            }
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            int n = await _stream.ReadAsync(_buffer.AsMemory(_end), cts.Token);
            if (n == 0) return null;
            _end += n;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try { await _stream.DisposeAsync(); } catch (IOException) { }
        _tcp.Dispose();
    }
}
