using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace CloudMail.Listener.Tests.Network;

/// <summary>
/// A line client for any of the protocols that connects from a chosen loopback source address, so that
/// 127.0.0.2, 127.0.0.3, ... stand for separate clients of the server on 127.0.0.1. Every read gives up after
/// a few seconds so that a wrong server fails the test instead of hanging it.
/// </summary>
internal sealed class SourceAddressClient : IAsyncDisposable
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(10);

    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly StreamReader _reader;

    private SourceAddressClient(Socket socket, Stream stream)
    {
        _socket = socket;
        _stream = stream;
        _reader = new StreamReader(stream, Encoding.ASCII, detectEncodingFromByteOrderMarks: false, bufferSize: 4096, leaveOpen: true);
    }

    /// <summary>Connects from <paramref name="source"/> to 127.0.0.1:<paramref name="port"/>; handshakes first with <paramref name="implicitTls"/>. Reads nothing.</summary>
    public static async Task<SourceAddressClient> ConnectAsync(string source, int port, bool implicitTls = false)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Parse(source), 0));
            await socket.ConnectAsync(IPAddress.Loopback, port);
            Stream stream = new NetworkStream(socket, ownsSocket: false);
            if (implicitTls)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false, (_, _, _, _) => true);
                using var timeout = new CancellationTokenSource(ReadTimeout);
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "mail.example.test" }, timeout.Token);
                stream = ssl;
            }
            return new SourceAddressClient(socket, stream);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Connects and returns the client with its first line (greeting or refusal).</summary>
    public static async Task<(SourceAddressClient Client, string FirstLine)> ConnectAndReadAsync(string source, int port, bool implicitTls = false)
    {
        var client = await ConnectAsync(source, port, implicitTls);
        return (client, await client.ReadLineAsync() ?? "(closed)");
    }

    /// <summary>The next line without CRLF; null when the server closed the connection.</summary>
    public async Task<string?> ReadLineAsync()
    {
        using var timeout = new CancellationTokenSource(ReadTimeout);
        try
        {
            return await _reader.ReadLineAsync(timeout.Token);
        }
        catch (IOException)
        {
            return null; // reset by the server
        }
    }

    /// <summary>Sends <paramref name="line"/> and CRLF.</summary>
    public async Task SendLineAsync(string line)
    {
        await _stream.WriteAsync(Encoding.ASCII.GetBytes(line + "\r\n"));
        await _stream.FlushAsync();
    }

    /// <summary>Sends a command and returns the first reply line.</summary>
    public async Task<string> CommandAsync(string line)
    {
        await SendLineAsync(line);
        return await ReadLineAsync() ?? "(closed)";
    }

    /// <summary>Sends an IMAP command with <paramref name="tag"/> and returns its tagged completion, skipping untagged lines.</summary>
    public async Task<string> TaggedAsync(string tag, string command)
    {
        await SendLineAsync(tag + " " + command);
        while (true)
        {
            string line = await ReadLineAsync() ?? "(closed)";
            if (line == "(closed)" || line.StartsWith(tag + " ", StringComparison.Ordinal)) return line;
        }
    }

    /// <summary>
    /// Stops sending (TCP half-close, as a client that goes away without saying goodbye) and waits until the server
    /// closes its side. True when it did so within the read timeout.
    /// </summary>
    public async Task<bool> HangUpAsync()
    {
        _socket.Shutdown(SocketShutdown.Send);
        return await IsClosedByServerAsync();
    }

    /// <summary>True when the server closes the connection (after any further lines) within the read timeout.</summary>
    public async Task<bool> IsClosedByServerAsync()
    {
        try
        {
            while (await ReadLineAsync() is not null)
            {
            }
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        try { await _stream.DisposeAsync(); } catch (IOException) { }
        _socket.Dispose();
    }
}
