using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Infrastructure;

namespace CloudMail.Listener.Tests.Network;

/// <summary>The default per-address connection limit (50, Postfix's) and per-(user, address) session limit (10, Dovecot's), over loopback.</summary>
public sealed class DefaultClientLimitsTests(DefaultLimitsServer fixture) : IClassFixture<DefaultLimitsServer>
{
    [Theory]
    [InlineData(EndpointKind.Smtp, "127.0.0.2", "127.0.0.3", "220 ", "421 4.7.0 " + TestServer.HostName + " Too many connections from your address")]
    [InlineData(EndpointKind.Imap, "127.0.0.4", "127.0.0.5", "* OK ", "* BYE [UNAVAILABLE] " + TestServer.HostName + " Too many connections from your address")]
    [InlineData(EndpointKind.Pop3, "127.0.0.6", "127.0.0.7", "+OK ", "-ERR [SYS/TEMP] too many connections from your address")]
    public async Task The_51st_connection_from_one_address_is_refused_while_another_address_is_served(
        EndpointKind kind, string flooder, string other, string greeting, string refusal)
    {
        int port = fixture.Port(kind);
        var held = new List<SourceAddressClient>();
        try
        {
            for (int i = 0; i < 50; i++)
            {
                var (client, line) = await SourceAddressClient.ConnectAndReadAsync(flooder, port);
                held.Add(client);
                Assert.StartsWith(greeting, line);
            }
            var (refused, refusalLine) = await SourceAddressClient.ConnectAndReadAsync(flooder, port);
            await using (refused)
            {
                Assert.Equal(refusal, refusalLine);
                Assert.True(await refused.IsClosedByServerAsync());
            }
            var (served, servedLine) = await SourceAddressClient.ConnectAndReadAsync(other, port);
            await using (served) Assert.StartsWith(greeting, servedLine);
        }
        finally
        {
            foreach (var client in held) await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_11th_imap_login_of_one_user_from_one_address_gets_no_limit_while_another_address_logs_in()
    {
        string user = await fixture.NewUserAsync();
        int port = fixture.Port(EndpointKind.Imaps);
        var held = new List<SourceAddressClient>();
        try
        {
            for (int i = 0; i < 10; i++)
            {
                var (client, _) = await SourceAddressClient.ConnectAndReadAsync("127.0.0.8", port, implicitTls: true);
                held.Add(client);
                Assert.StartsWith("a OK ", await client.TaggedAsync("a", $"LOGIN {user} \"{ClientLimitServer.Password}\""));
            }
            var (eleventh, _) = await SourceAddressClient.ConnectAndReadAsync("127.0.0.8", port, implicitTls: true);
            await using (eleventh)
            {
                Assert.Equal("a NO [LIMIT] Too many connections", await eleventh.TaggedAsync("a", $"LOGIN {user} \"{ClientLimitServer.Password}\""));
                Assert.StartsWith("b BAD ", await eleventh.TaggedAsync("b", "SELECT INBOX")); // still not authenticated
            }
            var (other, _) = await SourceAddressClient.ConnectAndReadAsync("127.0.0.9", port, implicitTls: true);
            await using (other) Assert.StartsWith("a OK ", await other.TaggedAsync("a", $"LOGIN {user} \"{ClientLimitServer.Password}\""));
        }
        finally
        {
            foreach (var client in held) await client.DisposeAsync();
        }
    }
}
