using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Infrastructure;

namespace CloudMail.Listener.Tests.Pop3;

/// <summary>Settings that need a server of their own: throttling, error budget, idle timeout, insecure auth.</summary>
public sealed class Pop3LimitsTests
{
    [Fact]
    public async Task Wrong_password_is_throttled_and_then_even_the_right_password_is_refused_from_that_address()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["CloudMail:Auth:MaxFailuresPerAccountAddress"] = "3" });
        string user = await Pop3TestMail.NewUserAsync(server);
        int port = server.Port(EndpointKind.Pop3s);
        for (int i = 0; i < 3; i++)
        {
            await using var guess = await Pop3LineClient.ConnectAsync(port, implicitTls: true);
            await guess.CommandAsync("USER " + user);
            Assert.Equal("-ERR [AUTH] authentication failed", await guess.CommandAsync("PASS wrong-guess-" + i));
        }
        await using var client = await Pop3LineClient.ConnectAsync(port, implicitTls: true);
        await client.CommandAsync("USER " + user);
        Assert.Equal("-ERR [SYS/TEMP] too many login attempts; try again later", await client.CommandAsync("PASS " + Pop3TestMail.Password));
        Assert.Equal("-ERR command not valid in this state", await client.CommandAsync("STAT"));
    }

    [Fact]
    public async Task Too_many_errors_close_the_connection_without_update()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["CloudMail:Pop3:MaxErrors"] = "3" });
        string user = await Pop3TestMail.NewUserAsync(server);
        await Pop3TestMail.AppendAsync(server, user, Pop3TestMail.Message("a", "x\r\n"));
        await using var client = await Pop3LineClient.ConnectAsync(server.Port(EndpointKind.Pop3s), implicitTls: true);
        await client.LoginAsync(user, Pop3TestMail.Password);
        Assert.StartsWith("+OK", await client.CommandAsync("DELE 1"));
        Assert.Equal("-ERR unknown command", await client.CommandAsync("BOGUS"));
        Assert.Equal("-ERR message 1 already deleted", await client.CommandAsync("RETR 1"));
        Assert.Equal("-ERR too many errors; closing connection", await client.CommandAsync("BOGUS"));
        Assert.True(await client.IsClosedByServerAsync());
        Assert.Single(await Pop3TestMail.InboxAsync(server, user));
    }

    [Fact]
    public async Task Errors_between_successful_commands_do_not_add_up_after_login()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["CloudMail:Pop3:MaxErrors"] = "3" });
        string user = await Pop3TestMail.NewUserAsync(server);
        await Pop3TestMail.AppendAsync(server, user, Pop3TestMail.Message("a", "x\r\n"));
        await using var client = await Pop3LineClient.ConnectAsync(server.Port(EndpointKind.Pop3s), implicitTls: true);
        await client.LoginAsync(user, Pop3TestMail.Password);
        for (int i = 0; i < 5; i++)
        {
            Assert.StartsWith("-ERR", await client.CommandAsync("RETR 9"));
            Assert.StartsWith("-ERR", await client.CommandAsync("BOGUS"));
            Assert.StartsWith("+OK", await client.CommandAsync("NOOP"));
        }
        Assert.StartsWith("+OK", await client.CommandAsync("STAT"));
    }

    [Fact]
    public async Task Failed_logins_add_up_even_with_user_in_between()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["CloudMail:Pop3:MaxErrors"] = "3",
            ["CloudMail:Pop3:AllowInsecureAuth"] = "true",
        });
        string user = await Pop3TestMail.NewUserAsync(server);
        await using var client = await Pop3LineClient.ConnectAsync(server.Port(EndpointKind.Pop3s), implicitTls: true);
        for (int i = 0; i < 2; i++)
        {
            Assert.StartsWith("+OK", await client.CommandAsync("USER " + user));
            Assert.StartsWith("-ERR", await client.CommandAsync("PASS wrong-" + i));
        }
        Assert.StartsWith("+OK", await client.CommandAsync("USER " + user));
        Assert.Equal("-ERR too many errors; closing connection", await client.CommandAsync("PASS wrong"));
        Assert.True(await client.IsClosedByServerAsync());
    }

    [Fact]
    public async Task Idle_timeout_closes_silently_without_update()
    {
        // The timeout applies between every reply and the next command (USER, PASS, DELE too): long enough that a test host
        // stalled for a moment does not hit it early; the close check below waits far longer.
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["CloudMail:Pop3:IdleTimeout"] = "00:00:03" });
        string user = await Pop3TestMail.NewUserAsync(server);
        await Pop3TestMail.AppendAsync(server, user, Pop3TestMail.Message("a", "x\r\n"));
        await using var client = await Pop3LineClient.ConnectAsync(server.Port(EndpointKind.Pop3s), implicitTls: true);
        await client.LoginAsync(user, Pop3TestMail.Password);
        Assert.StartsWith("+OK", await client.CommandAsync("DELE 1"));
        await client.SendAsync("NOO"); // half a command does not keep the session alive
        Assert.True(await client.IsClosedByServerAsync(TimeSpan.FromSeconds(30))); // RFC 1939 §3: no response
        Assert.Single(await Pop3TestMail.InboxAsync(server, user));
    }

    [Fact]
    public async Task Allow_insecure_auth_permits_user_pass_on_110_without_tls()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["CloudMail:Pop3:AllowInsecureAuth"] = "true" });
        string user = await Pop3TestMail.NewUserAsync(server);
        await using var client = await Pop3LineClient.ConnectAsync(server.Port(EndpointKind.Pop3), implicitTls: false);
        var (_, caps) = await client.MultiLineAsync("CAPA");
        Assert.Contains("USER", caps);
        Assert.Contains("STLS", caps);
        await client.LoginAsync(user, Pop3TestMail.Password);
        Assert.Equal("+OK 0 0", await client.CommandAsync("STAT"));
    }
}
