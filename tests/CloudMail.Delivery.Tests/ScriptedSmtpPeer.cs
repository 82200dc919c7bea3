using System.Net.Sockets;
using System.Text;

namespace CloudMail.Delivery.Tests;

/// <summary>
/// An SMTP server without extensions for one connection on a listener the test owns, for peers no real server imitates
/// on purpose: it greets as <c>hostName</c>, answers EHLO, MAIL, RCPT and QUIT, reads a message after DATA, and can go
/// silent at one step or hold its reply to the final dot.
/// </summary>
internal static class ScriptedSmtpPeer
{
    /// <summary>
    /// Serves one connection; returns where it stopped: <paramref name="stallAt"/> (a verb, <c>"."</c> for the final dot,
    /// or <c>"CONNECT"</c> to accept and never greet), <c>"QUIT"</c>, or <c>"hung up"</c>. <paramref name="beforeQueued"/>
    /// runs with each message (its lines joined by LF) before the 250 that answers its final dot.
    /// </summary>
    public static async Task<string> ServeAsync(TcpListener listener, string hostName, string? stallAt = null,
        Func<string, Task>? beforeQueued = null, CancellationToken stop = default)
    {
        var socket = await listener.AcceptSocketAsync(stop);
        // Left open when it stalls (only stop closes it then): a closed connection would be a failure, not a stall.
        var stream = new NetworkStream(socket, ownsSocket: true);
        _ = stop.Register(stream.Dispose);
        if (stallAt == "CONNECT") return stallAt;
        var reader = new StreamReader(stream, Encoding.ASCII);
        async Task Say(string line) => await stream.WriteAsync(Encoding.ASCII.GetBytes(line + "\r\n"), stop);
        await Say($"220 {hostName} ESMTP");
        while (await reader.ReadLineAsync(stop) is { } line)
        {
            string verb = line.Split(' ', ':')[0].ToUpperInvariant();
            if (verb == stallAt) return stallAt;
            switch (verb)
            {
                case "EHLO": await Say($"250 {hostName}"); break;
                case "DATA":
                    await Say("354 go on");
                    var message = new StringBuilder();
                    while (await reader.ReadLineAsync(stop) is { } data && data != ".") message.Append(data).Append('\n');
                    if (stallAt == ".") return stallAt;
                    if (beforeQueued is not null) await beforeQueued(message.ToString());
                    await Say("250 2.0.0 queued");
                    break;
                case "QUIT":
                    await Say("221 bye");
                    await stream.DisposeAsync();
                    return "QUIT";
                default: await Say("250 ok"); break;
            }
        }
        await stream.DisposeAsync();
        return "hung up";
    }
}
