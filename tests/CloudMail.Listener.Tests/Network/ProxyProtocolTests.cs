using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Infrastructure;
using CloudMail.Listener.Tests.Smtp;

namespace CloudMail.Listener.Tests.Network;

/// <summary>
/// Port 25 behind a TCP proxy that sends the PROXY protocol: the client the header names is the client (its Received
/// line, its connection limit); only the trusted proxy may connect; no header, no session.
/// </summary>
public sealed class ProxyProtocolTests : IAsyncLifetime
{
    private TestServer _server = null!;

    private int Port25 => _server.Port(EndpointKind.Smtp);

    public async Task InitializeAsync() => _server = await SmtpServerFixture.StartAsync(new Dictionary<string, string?>
    {
        ["CloudMail:ProxyProtocol:Endpoints:0"] = "Smtp",
        ["CloudMail:ProxyProtocol:TrustedProxies"] = "127.0.0.1",
        // Every test's header must arrive in time even if the test host stalls between connecting and sending it.
        ["CloudMail:ProxyProtocol:HeaderTimeout"] = "00:00:10",
        ["CloudMail:ClientLimits:MaxConnectionsPerAddress"] = "1",
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<RawSmtpClient> ViaProxyAsync(string client, int port = 40000)
    {
        var smtp = await RawSmtpClient.ConnectAsync(Port25);
        await smtp.SendAsync($"PROXY TCP4 {client} 127.0.0.1 {port} 25\r\n");
        return smtp;
    }

    [Fact]
    public async Task The_client_named_by_the_proxy_is_the_one_in_the_Received_header()
    {
        string recipient = await SmtpServerFixture.NewUserAsync(_server);
        await using var smtp = await ViaProxyAsync("198.51.100.9");
        Assert.Equal(220, (await smtp.ReadReplyAsync()).Code);
        Assert.Equal(250, (await smtp.CommandAsync("EHLO client.test")).Code);
        Assert.Equal(250, (await smtp.CommandAsync("MAIL FROM:<someone@remote.test>")).Code);
        Assert.Equal(250, (await smtp.CommandAsync($"RCPT TO:<{recipient}>")).Code);
        Assert.Equal(354, (await smtp.CommandAsync("DATA")).Code);
        Assert.Equal(250, (await smtp.CommandAsync("Subject: proxied\r\n\r\nbody\r\n.")).Code);

        string stored = await SmtpServerFixture.SingleDeliveredAsync(_server, recipient);
        Assert.StartsWith("Received: from client.test ([198.51.100.9])", stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connection_limits_count_the_proxied_client_not_the_proxy()
    {
        await using var first = await ViaProxyAsync("198.51.100.10");
        Assert.Equal(220, (await first.ReadReplyAsync()).Code);
        await using var other = await ViaProxyAsync("198.51.100.11");
        Assert.Equal(220, (await other.ReadReplyAsync()).Code); // another client through the same proxy

        await using var same = await ViaProxyAsync("198.51.100.10", 40001);
        var refusal = await same.ReadReplyAsync();
        Assert.Equal(421, refusal.Code); // MaxConnectionsPerAddress = 1 for that client
    }

    [Fact]
    public async Task Without_a_header_the_connection_is_closed_without_a_greeting()
    {
        await using var smtp = await RawSmtpClient.ConnectAsync(Port25);
        await smtp.SendAsync("EHLO client.test\r\n");
        // Read past the header timeout: no greeting follows even when the server has given up waiting for a header.
        Assert.Null(await smtp.TryReadLineAsync(TimeSpan.FromSeconds(15)));
    }

    [Fact]
    public async Task Only_the_trusted_proxy_may_connect()
    {
        await using var smtp = await RawSmtpClient.ConnectAsync(Port25, from: "127.0.0.2");
        await smtp.SendAsync("PROXY TCP4 198.51.100.12 127.0.0.1 40000 25\r\n");
        Assert.True(await smtp.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
    }
}
