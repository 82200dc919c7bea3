using CloudMail.Listener.Tests.Imap;
using CloudMail.Listener.Tests.Infrastructure;
using static CloudMail.Listener.Tests.Auth.LoginReply;

namespace CloudMail.Listener.Tests.Auth;

/// <summary>
/// Failed-login throttling through the real server on every protocol, with loopback source addresses 127.0.0.N standing
/// for separate clients: nobody can lock an account out from another address, and users behind one address do not
/// lock each other out.
/// </summary>
public sealed class LoginThrottlingTests
{
    private const string Password = "correct-horse-battery";

    private static async Task<TestServer> StartAsync(IDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?> { ["CloudMail:Auth:MaxFailuresPerAccountAddress"] = "3" };
        if (extra is not null)
            foreach (var (k, v) in extra) settings[k] = v;
        return await TestServer.StartAsync(settings);
    }

    private static async Task<string> NewUserAsync(TestServer server, string name)
    {
        string address = $"{name}@{TestServer.Domain}";
        await server.AddUserAsync(address, Password);
        return address;
    }

    [Theory]
    [InlineData(LoginProbe.Imap)]
    [InlineData(LoginProbe.Pop3)]
    [InlineData(LoginProbe.Smtp)]
    public async Task Wrong_passwords_from_one_address_do_not_lock_the_owner_out_from_another(string protocol)
    {
        await using var server = await StartAsync();
        string owner = await NewUserAsync(server, "owner");

        Assert.Equal([Failed, Failed, Failed, Throttled, Throttled], await LoginProbe.LoginAsync(server, protocol, "127.0.0.2", owner, "wrong-guess", 5));
        // The attacking address is refused for this account even with the right password...
        Assert.Equal(Throttled, await LoginProbe.LoginAsync(server, protocol, "127.0.0.2", owner, Password));
        // ...but the owner, elsewhere, is not.
        Assert.Equal(Ok, await LoginProbe.LoginAsync(server, protocol, "127.0.0.3", owner, Password));
    }

    [Theory]
    [InlineData(LoginProbe.Imap)]
    [InlineData(LoginProbe.Pop3)]
    [InlineData(LoginProbe.Smtp)]
    public async Task One_users_typos_behind_a_shared_address_do_not_lock_out_another_user_there(string protocol)
    {
        await using var server = await StartAsync();
        string clumsy = await NewUserAsync(server, "clumsy");
        string colleague = await NewUserAsync(server, "colleague");

        Assert.Equal([Failed, Failed, Failed, Throttled, Throttled], await LoginProbe.LoginAsync(server, protocol, "127.0.0.4", clumsy, "typo", 5));
        Assert.Equal(Ok, await LoginProbe.LoginAsync(server, protocol, "127.0.0.4", colleague, Password));
    }

    [Fact]
    public async Task An_address_failing_on_many_accounts_is_refused_except_for_accounts_that_logged_in_from_it()
    {
        await using var server = await StartAsync(new Dictionary<string, string?> { ["CloudMail:Auth:MaxFailedAccountsPerAddress"] = "4" });
        string regular = await NewUserAsync(server, "regular");
        string newcomer = await NewUserAsync(server, "newcomer");
        Assert.Equal(Ok, await LoginProbe.LoginAsync(server, LoginProbe.Imap, "127.0.0.5", regular, Password));

        for (int i = 0; i < 4; i++)
            Assert.Equal(Failed, await LoginProbe.LoginAsync(server, LoginProbe.Imap, "127.0.0.5", $"sprayed{i}@{TestServer.Domain}", "guess"));

        Assert.Equal(Throttled, await LoginProbe.LoginAsync(server, LoginProbe.Imap, "127.0.0.5", newcomer, Password));
        Assert.Equal(Ok, await LoginProbe.LoginAsync(server, LoginProbe.Imap, "127.0.0.5", regular, Password));
        Assert.Equal(Ok, await LoginProbe.LoginAsync(server, LoginProbe.Imap, "127.0.0.6", newcomer, Password));
    }

    [Fact]
    public async Task A_good_login_takes_its_account_off_the_shared_address_record()
    {
        await using var server = await StartAsync(new Dictionary<string, string?> { ["CloudMail:Auth:MaxFailedAccountsPerAddress"] = "3" });
        string[] users = [await NewUserAsync(server, "ann"), await NewUserAsync(server, "ben"), await NewUserAsync(server, "cat"), await NewUserAsync(server, "dan")];

        Assert.Equal(Failed, await LoginProbe.LoginAsync(server, LoginProbe.Pop3, "127.0.0.7", users[0], "typo"));
        Assert.Equal(Failed, await LoginProbe.LoginAsync(server, LoginProbe.Pop3, "127.0.0.7", users[1], "typo"));
        Assert.Equal(Ok, await LoginProbe.LoginAsync(server, LoginProbe.Pop3, "127.0.0.7", users[0], Password));
        Assert.Equal(Failed, await LoginProbe.LoginAsync(server, LoginProbe.Pop3, "127.0.0.7", users[2], "typo"));
        // Without the decay ann, ben and cat would make three failing accounts and dan would be refused.
        Assert.Equal(Ok, await LoginProbe.LoginAsync(server, LoginProbe.Pop3, "127.0.0.7", users[3], Password));
    }

    [Fact]
    public async Task Concurrent_attempts_are_counted_before_their_passwords_are_checked()
    {
        // A slow hash (as in production) leaves every concurrent attempt in flight while the others are decided.
        await using var server = await StartAsync(new Dictionary<string, string?> { ["CloudMail:Auth:PasswordHashIterations"] = "300000" });
        string victim = await NewUserAsync(server, "victim");
        var clients = new List<RawImapClient>();
        try
        {
            for (int i = 0; i < 8; i++)
            {
                var client = await RawImapClient.ConnectAsync(server, implicitTls: true, "127.0.0.8");
                clients.Add(client);
                await client.ReadLineAsync();
            }
            await Task.WhenAll(clients.Select(c => c.SendAsync($"a LOGIN \"{victim}\" \"wrong-guess\"\r\n")));
            string[] replies = await Task.WhenAll(clients.Select(async c => (await c.ReadUntilTaggedAsync("a"))[^1]));

            Assert.Equal(3, replies.Count(r => r == "a NO [AUTHENTICATIONFAILED] Invalid credentials"));
            Assert.Equal(5, replies.Count(r => r.StartsWith("a NO [UNAVAILABLE]", StringComparison.Ordinal)));
        }
        finally
        {
            foreach (var client in clients) await client.DisposeAsync();
        }
    }
}
