using CloudMail.Core.Auth;
using CloudMail.Core.Directory;
using CloudMail.Listener.Hosting;
using CloudMail.Listener.Tests.Infrastructure;

namespace CloudMail.Listener.Tests.Auth;

/// <summary>
/// The minimum password length of <c>cloudmail user add</c> / <c>user passwd</c> (the admin commands run in-process on
/// a real server's services), and that it is never applied at login.
/// </summary>
public sealed class PasswordPolicyTests
{
    private static async Task<(int Exit, string Stdout, string Stderr)> AdminAsync(TestServer server, string stdin, params string[] words)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = await new AdminCommands(server.Services, new StringReader(stdin), stdout, stderr).RunAsync(words, CancellationToken.None);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task User_add_and_passwd_refuse_a_password_under_twelve_characters_with_a_clear_error()
    {
        await using var server = await TestServer.StartAsync();
        await server.Get<IMailDirectory>().AddDomainAsync(TestServer.Domain, CancellationToken.None);
        string user = "policy@" + TestServer.Domain;

        var shortAdd = await AdminAsync(server, "eleven-char\n", "user", "add", user);
        Assert.Equal(1, shortAdd.Exit);
        Assert.Equal("error: the password must be at least 12 characters long, not 11 (CloudMail:Auth:MinimumPasswordLength)\n", shortAdd.Stderr);
        Assert.Null(await server.Get<IMailDirectory>().GetAccountAsync(user, CancellationToken.None));

        Assert.Equal(0, (await AdminAsync(server, "twelve-chars\n", "user", "add", user)).Exit);
        var shortPasswd = await AdminAsync(server, "ünïcödé-10\n", "user", "passwd", user);
        Assert.Equal(1, shortPasswd.Exit);
        Assert.Contains("at least 12 characters long, not 10", shortPasswd.Stderr);
        Assert.Equal(0, (await AdminAsync(server, "ünïcödé-long\n", "user", "passwd", user)).Exit);
        Assert.Equal(LoginReply.Ok, await LoginProbe.LoginAsync(server, LoginProbe.Imap, "127.0.0.10", user, "ünïcödé-long"));
    }

    [Fact]
    public async Task A_malformed_address_is_refused_in_the_operator_s_words()
    {
        await using var server = await TestServer.StartAsync();
        var refused = await AdminAsync(server, "long-enough-password\n", "user", "add", "bad-address");
        Assert.Equal((1, "error: 'bad-address' is not a valid address.\n"), (refused.Exit, refused.Stderr));
    }

    [Fact]
    public async Task The_minimum_is_configurable()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["CloudMail:Auth:MinimumPasswordLength"] = "20" });
        await server.Get<IMailDirectory>().AddDomainAsync(TestServer.Domain, CancellationToken.None);

        var refused = await AdminAsync(server, "nineteen-characters\n", "user", "add", "long@" + TestServer.Domain);
        Assert.Equal(1, refused.Exit);
        Assert.Contains("at least 20 characters", refused.Stderr);
        Assert.Equal(0, (await AdminAsync(server, "twenty-characters!!!\n", "user", "add", "long@" + TestServer.Domain)).Exit);
    }

    [Fact]
    public async Task An_existing_short_password_still_logs_in()
    {
        await using var server = await TestServer.StartAsync();
        var directory = server.Get<IMailDirectory>();
        await directory.AddDomainAsync(TestServer.Domain, CancellationToken.None);
        string user = "legacy@" + TestServer.Domain;
        await directory.AddAccountAsync(user, PasswordHasher.Hash("short", 1000), CancellationToken.None);

        Assert.Equal(LoginReply.Ok, await LoginProbe.LoginAsync(server, LoginProbe.Pop3, "127.0.0.11", user, "short"));
    }
}
