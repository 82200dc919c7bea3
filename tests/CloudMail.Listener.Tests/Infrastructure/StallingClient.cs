using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CloudMail.Listener.Tests.Infrastructure;

/// <summary>
/// A client that pipelines one command over and over and never reads a reply: the stall a write timeout
/// must end. Its receive buffer is made small before connecting, so the server's replies back up after a
/// few megabytes at most (the kernel's send and receive buffers) and the server's next flush blocks.
/// </summary>
internal static class StallingClient
{
    /// <summary>
    /// Connects from <paramref name="source"/> (a loopback address standing for one client) to 127.0.0.1,
    /// sends <paramref name="command"/> (CRLF added) until the server drops the connection, and returns how long
    /// that took; null when the server still had not dropped it after <paramref name="limit"/>.
    /// </summary>
    public static async Task<TimeSpan?> TimeUntilDroppedAsync(int port, string source, string command, TimeSpan limit)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.ReceiveBufferSize = 4096;
        socket.Bind(new IPEndPoint(IPAddress.Parse(source), 0));
        await socket.ConnectAsync(IPAddress.Loopback, port);
        byte[] batch = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(command + "\r\n", 256)));
        var clock = Stopwatch.StartNew();
        using var deadline = new CancellationTokenSource(limit);
        try
        {
            while (true) await socket.SendAsync(batch, SocketFlags.None, deadline.Token);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
        catch (SocketException)
        {
            return clock.Elapsed; // reset or broken pipe: the server closed the connection
        }
    }
}
