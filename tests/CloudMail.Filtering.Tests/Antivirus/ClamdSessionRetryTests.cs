using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using CloudMail.Filtering.Antivirus;

namespace CloudMail.Filtering.Tests.Antivirus;

/// <summary>
/// The race a real clamd cannot be made to lose on demand: it ends a pooled session (its IdleTimeout) after the client
/// checked the connection and before the next scan's reply. A scripted clamd on loopback answers the first scan of each
/// connection and drops the connection on the second; the client must send the message again on a new connection.
/// Scripted because clamd's own timing decides when it closes an idle session.
/// </summary>
public sealed class ClamdSessionRetryTests
{
    [Fact]
    public async Task A_session_dropped_during_a_scan_is_replaced_and_the_message_scanned_again_on_a_new_connection()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int connections = 0;
        var server = Task.Run(async () =>
        {
            while (true)
            {
                Socket socket;
                try
                {
                    socket = await listener.AcceptSocketAsync();
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                    return;
                }
                Interlocked.Increment(ref connections);
                _ = Task.Run(() => ServeAsync(socket));
            }
        });
        var client = new ClamdClient(new ClamdEndpoint("127.0.0.1", ((IPEndPoint)listener.LocalEndpoint).Port, null));

        Assert.IsType<ClamdVerdict.Clean>(await client.ScanAsync(new MemoryStream("first"u8.ToArray()), CancellationToken.None));
        // The pooled session looks open, the scripted clamd drops it mid-scan: the scan is sent again on a new connection.
        Assert.IsType<ClamdVerdict.Clean>(await client.ScanAsync(new MemoryStream("second"u8.ToArray()), CancellationToken.None));
        Assert.Equal(2, client.ConnectionsOpened);
        Assert.Equal(2, Volatile.Read(ref connections));
        listener.Stop();
        await server;
    }

    /// <summary>Reads zIDSESSION, answers the first INSTREAM with "1: stream: OK", closes the connection on the second.</summary>
    private static async Task ServeAsync(Socket socket)
    {
        using var _ = socket;
        await using var stream = new NetworkStream(socket);
        if (await ReadCommandAsync(stream) != "zIDSESSION") return;
        for (int id = 1; ; id++)
        {
            if (await ReadCommandAsync(stream) != "zINSTREAM") return;
            while (true)
            {
                byte[] length = new byte[4];
                await stream.ReadExactlyAsync(length);
                int n = (int)BinaryPrimitives.ReadUInt32BigEndian(length);
                if (n == 0) break;
                await stream.ReadExactlyAsync(new byte[n]);
            }
            if (id == 2) return; // drops the session instead of answering
            await stream.WriteAsync(Encoding.ASCII.GetBytes(id + ": stream: OK\0"));
        }
    }

    private static async Task<string> ReadCommandAsync(NetworkStream stream)
    {
        var command = new StringBuilder();
        byte[] one = new byte[1];
        while (await stream.ReadAsync(one) == 1 && one[0] != 0) command.Append((char)one[0]);
        return command.ToString();
    }
}
