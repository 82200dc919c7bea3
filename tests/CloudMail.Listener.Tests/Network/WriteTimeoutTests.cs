using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Infrastructure;

namespace CloudMail.Listener.Tests.Network;

/// <summary>The write timeout every protocol shares (<see cref="ClientConnection.FlushAsync"/>).</summary>
public sealed class WriteTimeoutTests
{
    /// <summary>
    /// Without the write timeout, SMTP would wait its 5-minute command timeout, POP3 its 10-minute idle timeout,
    /// and IMAP for ever.
    /// </summary>
    [Theory]
    [InlineData(EndpointKind.Smtp, "EHLO stalling.test")]
    [InlineData(EndpointKind.Imap, "a CAPABILITY")]
    [InlineData(EndpointKind.Pop3, "CAPA")]
    public async Task A_client_that_pipelines_commands_and_never_reads_is_disconnected_after_the_write_timeout(EndpointKind endpoint, string command)
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["CloudMail:WriteTimeout"] = "00:00:01" });
        var dropped = await StallingClient.TimeUntilDroppedAsync(server.Port(endpoint), "127.0.0.2", command, TimeSpan.FromSeconds(20));
        Assert.NotNull(dropped);
    }
}
