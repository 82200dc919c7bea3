using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CloudMail.Listener.Tests.Http;

/// <summary>One HTTP/1.1 response as the raw client read it: status, headers (names lower-cased) and body.</summary>
internal sealed record RawHttpResponse(int Status, IReadOnlyDictionary<string, string> Headers, string Body);

/// <summary>
/// An HTTP/1.1 client on a raw socket bound to a chosen loopback source address, for tests that must hold a request open
/// half-sent: it sends exactly the bytes it is given and reads responses one at a time (an interim <c>100 Continue</c>
/// included). <see cref="StartPostAsync"/> sends only the request head with <c>Expect: 100-continue</c>, so the server's
/// <c>100 Continue</c> says the handler has started reading the body (RFC 9110 §10.1.1).
/// </summary>
internal sealed class RawHttpClient : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly List<byte> _pending = [];

    private RawHttpClient(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
    }

    /// <summary>Connects to 127.0.0.1:<paramref name="port"/> from <paramref name="sourceAddress"/> (e.g. 127.0.0.2).</summary>
    public static async Task<RawHttpClient> ConnectAsync(int port, string sourceAddress)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Bind(new IPEndPoint(IPAddress.Parse(sourceAddress), 0));
        await socket.ConnectAsync(IPAddress.Loopback, port);
        return new RawHttpClient(socket);
    }

    /// <summary>Sends the head of <c>POST /api/v1/messages</c> with the body's declared length and <c>Expect: 100-continue</c>.</summary>
    public Task StartPostAsync(string apiKey, string contentType, int contentLength) =>
        SendAsync(Encoding.ASCII.GetBytes(
            $"POST /api/v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {apiKey}\r\nContent-Type: {contentType}\r\n"
            + $"Content-Length: {contentLength}\r\nExpect: 100-continue\r\n\r\n"));

    public async Task SendAsync(ReadOnlyMemory<byte> bytes) => await _stream.WriteAsync(bytes);

    /// <summary>Reads the next response (interim or final); the body by Content-Length.</summary>
    public async Task<RawHttpResponse> ReadResponseAsync()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        string head = Encoding.ASCII.GetString(await ReadUntilAsync("\r\n\r\n"u8.ToArray(), timeout.Token));
        string[] lines = head.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        int status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim().ToLowerInvariant(), p => p[1].Trim());
        int length = headers.TryGetValue("content-length", out string? value) ? int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : 0;
        byte[] body = await ReadExactlyAsync(length, timeout.Token);
        return new RawHttpResponse(status, headers, Encoding.UTF8.GetString(body));
    }

    private async Task<byte[]> ReadUntilAsync(byte[] terminator, CancellationToken cancellationToken)
    {
        while (true)
        {
            int at = IndexOf(terminator);
            if (at >= 0) return Take(at + terminator.Length);
            await FillAsync(cancellationToken);
        }
    }

    private async Task<byte[]> ReadExactlyAsync(int count, CancellationToken cancellationToken)
    {
        while (_pending.Count < count) await FillAsync(cancellationToken);
        return Take(count);
    }

    private async Task FillAsync(CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[16384];
        int read = await _stream.ReadAsync(buffer, cancellationToken);
        if (read == 0) throw new IOException("the server closed the connection");
        _pending.AddRange(buffer.AsSpan(0, read).ToArray());
    }

    private int IndexOf(byte[] terminator)
    {
        for (int i = 0; i + terminator.Length <= _pending.Count; i++)
            if (_pending.Skip(i).Take(terminator.Length).SequenceEqual(terminator)) return i;
        return -1;
    }

    private byte[] Take(int count)
    {
        byte[] taken = [.. _pending.GetRange(0, count)];
        _pending.RemoveRange(0, count);
        return taken;
    }

    public async ValueTask DisposeAsync() => await _stream.DisposeAsync();
}
