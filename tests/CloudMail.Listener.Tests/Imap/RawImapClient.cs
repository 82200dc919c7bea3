using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Infrastructure;

namespace CloudMail.Listener.Tests.Imap;

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

    /// <summary>Connects (from loopback address <paramref name="from"/> when given; see <see cref="Loopback"/>).</summary>
    public static Task<RawImapClient> ConnectAsync(TestServer server, bool implicitTls, string? from = null) =>
        ConnectAsync(server.Port(implicitTls ? EndpointKind.Imaps : EndpointKind.Imap), implicitTls, from);

    /// <summary>Connects to <paramref name="port"/> on loopback (from <paramref name="from"/> when given).</summary>
    public static async Task<RawImapClient> ConnectAsync(int port, bool implicitTls, string? from = null)
    {
        var tcp = await Loopback.ConnectAsync(port, from);
        Stream stream = tcp.GetStream();
        var client = new RawImapClient(tcp, stream);
        if (implicitTls) await client.StartTlsAsync();
        return client;
    }

    /// <summary>Connects and logs in over 993.</summary>
    public static async Task<RawImapClient> LoginAsync(TestServer server, string user, string password, string? from = null)
    {
        var client = await ConnectAsync(server, implicitTls: true, from);
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

    /// <summary>
    /// Reads up to the tagged reply to <paramref name="tag"/>: the untagged lines as one string with each literal's
    /// bytes (decoded with <paramref name="encoding"/>) inlined after <paramref name="mark"/>, and the tagged line.
    /// </summary>
    public async Task<(string Untagged, string Tagged)> ReadWithLiteralsAsync(string tag, string mark, Encoding encoding)
    {
        var sb = new StringBuilder();
        while (true)
        {
            string line = await ReadLineAsync() ?? throw new EndOfStreamException("Connection closed; got:\n" + sb);
            if (line.StartsWith(tag + " ", StringComparison.Ordinal)) return (sb.ToString(), line);
            sb.Append(line);
            int open = line.LastIndexOf('{');
            if (open >= 0 && line.EndsWith('}'))
                sb.Append(mark).Append(encoding.GetString(await ReadBytesAsync(int.Parse(line[(open + 1)..^1], System.Globalization.CultureInfo.InvariantCulture))));
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
