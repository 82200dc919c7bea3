using System.Net;
using System.Net.Sockets;
using System.Text;
using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Infrastructure;

namespace CloudMail.Listener.Tests.Network;

/// <summary>A STARTTLS/STLS handshake that fails is the client's doing (<see cref="ClientConnection.TryUpgradeToTlsAsync"/>).</summary>
public sealed class StartTlsFailureTests
{
    /// <summary>Each step is "command|expected reply prefix"; the last one asks for TLS.</summary>
    [Theory]
    [InlineData(EndpointKind.Smtp, "EHLO client.test|250 ", "STARTTLS|220 ")]
    [InlineData(EndpointKind.Imap, "a STARTTLS|a OK")]
    [InlineData(EndpointKind.Pop3, "STLS|+OK")]
    public async Task A_failed_handshake_closes_the_connection_quietly_and_the_server_goes_on(EndpointKind endpoint, params string[] steps)
    {
        await using var server = await TestServer.StartAsync();
        var logs = LogCapture.Attach(server);
        using (var client = await LineClient.ConnectAsync(server.Port(endpoint), "127.0.0.3"))
        {
            await client.ReadLineAsync(); // greeting
            foreach (var step in steps)
            {
                var (command, expected) = (step[..step.IndexOf('|')], step[(step.IndexOf('|') + 1)..]);
                await client.SendAsync(command + "\r\n");
                while (await client.ReadLineAsync() is { } line && !line.StartsWith(expected, StringComparison.Ordinal))
                    Assert.Matches("^250-", line); // only an EHLO reply has more lines
            }
            await client.SendAsync("this is not a TLS handshake\r\n");
            Assert.Null(await client.ReadLineAsync()); // closed without another word
        }
        Assert.Empty(logs.Errors);
        using var next = await LineClient.ConnectAsync(server.Port(endpoint), "127.0.0.4");
        Assert.NotNull(await next.ReadLineAsync());
    }

    /// <summary>Plain lines over a socket bound to one loopback source address; null once the server closed the connection.</summary>
    private sealed class LineClient(Socket socket) : IDisposable
    {
        private readonly NetworkStream _stream = new(socket, ownsSocket: true);
        private readonly List<byte> _pending = [];

        public static async Task<LineClient> ConnectAsync(int port, string source)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Parse(source), 0));
            await socket.ConnectAsync(IPAddress.Loopback, port);
            return new LineClient(socket);
        }

        public async Task SendAsync(string text) => await _stream.WriteAsync(Encoding.ASCII.GetBytes(text));

        public async Task<string?> ReadLineAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var buffer = new byte[4096];
            while (true)
            {
                int lf = _pending.IndexOf((byte)'\n');
                if (lf >= 0)
                {
                    string line = Encoding.ASCII.GetString([.. _pending.GetRange(0, lf)]).TrimEnd('\r');
                    _pending.RemoveRange(0, lf + 1);
                    return line;
                }
                int n;
                try
                {
                    n = await _stream.ReadAsync(buffer, timeout.Token);
                }
                catch (IOException)
                {
                    return null; // reset
                }
                if (n == 0) return null;
                _pending.AddRange(buffer.AsSpan(0, n).ToArray());
            }
        }

        public void Dispose() => _stream.Dispose();
    }
}
