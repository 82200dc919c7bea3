using System.Security.Authentication;
using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Infrastructure;

namespace CloudMail.Listener.Tests.Network;

/// <summary>Per-address connection limits with small configured values (2 at once, 4 a minute), over loopback.</summary>
public sealed class SmallConnectionLimitsTests(SmallConnectionLimitsServer fixture) : IClassFixture<SmallConnectionLimitsServer>
{
    private const string TooMany = "421 4.7.0 " + TestServer.HostName + " Too many connections from your address";

    [Fact]
    public async Task A_closed_connection_frees_its_slot_for_a_new_one()
    {
        int port = fixture.Port(EndpointKind.Smtp);
        var (first, _) = await SourceAddressClient.ConnectAndReadAsync("127.0.0.20", port);
        var (second, _) = await SourceAddressClient.ConnectAndReadAsync("127.0.0.20", port);
        await using (second)
        {
            await using (first)
            {
                var (third, line) = await SourceAddressClient.ConnectAndReadAsync("127.0.0.20", port);
                await using (third) Assert.Equal(TooMany, line);
                Assert.StartsWith("221 ", await first.CommandAsync("QUIT"));
                Assert.True(await first.IsClosedByServerAsync());
            }
            var (again, againLine) = await SourceAddressClient.ConnectAndReadAsync("127.0.0.20", port);
            await using (again) Assert.StartsWith("220 ", againLine);
        }
    }

    [Fact]
    public async Task Connections_beyond_the_rate_limit_are_refused_while_another_address_is_served()
    {
        int port = fixture.Port(EndpointKind.Smtp);
        for (int i = 0; i < 4; i++) await ConnectAndQuitAsync("127.0.0.21", port, implicitTls: false);
        var (refused, line) = await SourceAddressClient.ConnectAndReadAsync("127.0.0.21", port);
        await using (refused) Assert.Equal(TooMany + " this minute", line);
        var (served, servedLine) = await SourceAddressClient.ConnectAndReadAsync("127.0.0.22", port);
        await using (served) Assert.StartsWith("220 ", servedLine);
    }

    [Fact]
    public async Task Each_protocol_counts_an_address_separately()
    {
        var (a, _) = await SourceAddressClient.ConnectAndReadAsync("127.0.0.23", fixture.Port(EndpointKind.Smtp));
        var (b, _) = await SourceAddressClient.ConnectAndReadAsync("127.0.0.23", fixture.Port(EndpointKind.Submission));
        await using (a)
        await using (b)
        {
            var (smtp, smtpLine) = await SourceAddressClient.ConnectAndReadAsync("127.0.0.23", fixture.Port(EndpointKind.Smtp));
            await using (smtp) Assert.Equal(TooMany, smtpLine); // ports 25 and 587 are both SMTP
            var (imap, imapLine) = await SourceAddressClient.ConnectAndReadAsync("127.0.0.23", fixture.Port(EndpointKind.Imap));
            await using (imap) Assert.StartsWith("* OK ", imapLine);
        }
    }

    [Theory]
    [InlineData(EndpointKind.Submissions, "127.0.0.24", "421 4.7.0 " + TestServer.HostName + " Too many connections from your address")]
    [InlineData(EndpointKind.Imaps, "127.0.0.25", "* BYE [UNAVAILABLE] " + TestServer.HostName + " Too many connections from your address")]
    [InlineData(EndpointKind.Pop3s, "127.0.0.26", "-ERR [SYS/TEMP] too many connections from your address")]
    public async Task On_implicit_tls_ports_the_refusal_comes_after_the_handshake(EndpointKind kind, string source, string refusal)
    {
        int port = fixture.Port(kind);
        var (a, _) = await SourceAddressClient.ConnectAndReadAsync(source, port, implicitTls: true);
        var (b, _) = await SourceAddressClient.ConnectAndReadAsync(source, port, implicitTls: true);
        await using (a)
        await using (b)
        {
            var (refused, line) = await SourceAddressClient.ConnectAndReadAsync(source, port, implicitTls: true);
            await using (refused) Assert.Equal(refusal, line);
        }
    }

    [Fact]
    public async Task On_implicit_tls_ports_an_address_over_its_rate_is_closed_without_a_handshake()
    {
        int port = fixture.Port(EndpointKind.Pop3s);
        for (int i = 0; i < 4; i++) await ConnectAndQuitAsync("127.0.0.27", port, implicitTls: true);
        var failure = await Record.ExceptionAsync(() => SourceAddressClient.ConnectAsync("127.0.0.27", port, implicitTls: true));
        Assert.True(failure is IOException or AuthenticationException, failure?.ToString() ?? "the handshake succeeded");
    }

    /// <summary>One whole connection: greeting, QUIT (SMTP and POP3 both have it), and the server's close.</summary>
    private static async Task ConnectAndQuitAsync(string source, int port, bool implicitTls)
    {
        var (client, greeting) = await SourceAddressClient.ConnectAndReadAsync(source, port, implicitTls);
        await using (client)
        {
            Assert.DoesNotContain("many", greeting);
            await client.CommandAsync("QUIT");
            Assert.True(await client.IsClosedByServerAsync());
        }
    }
}

/// <summary>The per-endpoint cap (CloudMail:MaxConnectionsPerEndpoint) now refuses with the protocol's reply instead of a bare close.</summary>
public sealed class EndpointCapTests
{
    private static Task<TestServer> StartWithCapAsync(int maxConnectionsPerEndpoint) => TestServer.StartAsync(new Dictionary<string, string?>
    {
        ["CloudMail:MaxConnectionsPerEndpoint"] = maxConnectionsPerEndpoint.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["CloudMail:Ports:Http"] = "-1",
    });

    [Fact]
    public async Task A_full_endpoint_refuses_with_421_before_closing()
    {
        await using var server = await StartWithCapAsync(2);
        int port = server.Port(EndpointKind.Smtp);
        var (a, _) = await SourceAddressClient.ConnectAndReadAsync("127.0.0.30", port);
        var (b, _) = await SourceAddressClient.ConnectAndReadAsync("127.0.0.31", port);
        await using (a)
        await using (b)
        {
            var (refused, line) = await SourceAddressClient.ConnectAndReadAsync("127.0.0.32", port);
            await using (refused)
            {
                Assert.Equal("421 4.3.2 " + TestServer.HostName + " Too many connections; try again later", line);
                Assert.True(await refused.IsClosedByServerAsync());
            }
        }
    }

    [Fact]
    public async Task A_full_endpoint_ends_the_oldest_session_of_the_address_holding_the_most_to_let_another_address_in()
    {
        await using var server = await StartWithCapAsync(3);
        int port = server.Port(EndpointKind.Smtp);
        var (oldest, _) = await SourceAddressClient.ConnectAndReadAsync("127.0.0.33", port);
        var (second, _) = await SourceAddressClient.ConnectAndReadAsync("127.0.0.33", port);
        var (third, _) = await SourceAddressClient.ConnectAndReadAsync("127.0.0.33", port);
        await using (oldest)
        await using (second)
        await using (third)
        {
            var (same, sameLine) = await SourceAddressClient.ConnectAndReadAsync("127.0.0.33", port);
            await using (same) Assert.Equal("421 4.3.2 " + TestServer.HostName + " Too many connections; try again later", sameLine);

            var (newcomer, line) = await SourceAddressClient.ConnectAndReadAsync("127.0.0.34", port);
            await using (newcomer)
            {
                Assert.StartsWith("220 ", line);
                Assert.StartsWith("421 4.3.2 ", await oldest.ReadLineAsync());
                Assert.True(await oldest.IsClosedByServerAsync());
                Assert.StartsWith("250 ", await second.CommandAsync("NOOP"));
                Assert.StartsWith("250 ", await newcomer.CommandAsync("NOOP"));
            }
        }
    }
}
