using System.Net.Sockets;
using System.Text;
using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Infrastructure;

namespace CloudMail.Listener.Tests.Network;

/// <summary>
/// A listening port belongs to one server (<see cref="ListenSocket"/>): a second server on the same address and port fails to
/// start instead of silently taking part of the connections, and a restarted server binds its port again at once although
/// the connections its predecessor closed are still in TIME_WAIT.
/// </summary>
public sealed class ExclusivePortTests
{
    private static Dictionary<string, string?> SmtpOnly(string address, int port) => new()
    {
        ["CloudMail:ListenAddress"] = address,
        ["CloudMail:Ports:Smtp"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["CloudMail:Ports:Submission"] = "-1",
        ["CloudMail:Ports:Submissions"] = "-1",
        ["CloudMail:Ports:Imap"] = "-1",
        ["CloudMail:Ports:Imaps"] = "-1",
        ["CloudMail:Ports:Pop3"] = "-1",
        ["CloudMail:Ports:Pop3s"] = "-1",
        ["CloudMail:Ports:Http"] = "-1",
    };

    [Fact]
    public async Task A_second_server_on_the_same_address_and_port_fails_to_start_and_the_first_keeps_every_connection()
    {
        await using var first = await TestServer.StartAsync(SmtpOnly("127.0.0.90", 0));
        int port = first.Port(EndpointKind.Smtp);

        var refused = await Assert.ThrowsAsync<IOException>(() => TestServer.StartAsync(SmtpOnly("127.0.0.90", port)));
        Assert.Equal(SocketError.AddressAlreadyInUse, Assert.IsType<SocketException>(refused.InnerException).SocketErrorCode);
        Assert.StartsWith($"Cannot listen on 127.0.0.90:{port} for Smtp (CloudMail:Ports:Smtp): the port is in use", refused.Message, StringComparison.Ordinal);

        // Every connection reaches the first server (with a shared port the kernel would have handed some to the second).
        for (int i = 0; i < 8; i++) Assert.StartsWith("220 " + TestServer.HostName, await GreetAndQuitAsync("127.0.0.90", port));
    }

    [Fact]
    public async Task A_restarted_server_binds_its_port_again_while_closed_connections_are_in_time_wait()
    {
        int port;
        await using (var before = await TestServer.StartAsync(SmtpOnly("127.0.0.91", 0)))
        {
            port = before.Port(EndpointKind.Smtp);
            await GreetAndQuitAsync("127.0.0.91", port); // the server closes first: its side of the connection waits in TIME_WAIT
        }
        await using var after = await TestServer.StartAsync(SmtpOnly("127.0.0.91", port));
        Assert.Equal(port, after.Port(EndpointKind.Smtp));
        Assert.StartsWith("220 ", await GreetAndQuitAsync("127.0.0.91", port));
    }

    /// <summary>Reads the greeting, sends QUIT and reads until the server closes the connection; returns the greeting.</summary>
    private static async Task<string> GreetAndQuitAsync(string address, int port)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(address, port);
        using var reader = new StreamReader(client.GetStream(), Encoding.ASCII);
        string greeting = await reader.ReadLineAsync() ?? string.Empty;
        await client.GetStream().WriteAsync("QUIT\r\n"u8.ToArray());
        Assert.StartsWith("221 ", await reader.ReadLineAsync() ?? string.Empty);
        Assert.Null(await reader.ReadLineAsync()); // closed by the server
        return greeting;
    }
}
