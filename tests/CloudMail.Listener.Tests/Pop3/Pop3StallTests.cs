using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Infrastructure;

namespace CloudMail.Listener.Tests.Pop3;

/// <summary>A client that never reads, and a failed STLS handshake.</summary>
public sealed class Pop3StallTests
{
    [Fact]
    public async Task A_client_that_pipelines_commands_and_never_reads_is_disconnected_after_the_write_timeout()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["CloudMail:WriteTimeout"] = "00:00:01" });
        var dropped = await StallingClient.TimeUntilDroppedAsync(server.Port(EndpointKind.Pop3), "127.0.0.2", "CAPA", TimeSpan.FromSeconds(20));
        Assert.NotNull(dropped); // the 10-minute idle timeout alone would have kept it for minutes
    }

    [Fact]
    public async Task A_failed_stls_handshake_closes_the_connection_quietly()
    {
        await using var server = await TestServer.StartAsync();
        var logs = LogCapture.Attach(server);
        await using (var client = await Pop3LineClient.ConnectAsync(server.Port(EndpointKind.Pop3), implicitTls: false))
        {
            Assert.StartsWith("+OK", await client.CommandAsync("STLS"));
            await client.SendAsync("this is not a TLS handshake\r\n");
            Assert.True(await client.IsClosedByServerAsync());
        }
        Assert.Empty(logs.Errors);
        await using var next = await Pop3LineClient.ConnectAsync(server.Port(EndpointKind.Pop3), implicitTls: false);
        Assert.StartsWith("+OK", next.Greeting);
    }
}
