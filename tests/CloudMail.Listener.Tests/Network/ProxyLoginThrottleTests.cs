using System.Text;
using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Infrastructure;
using CloudMail.Listener.Tests.Smtp;
using Microsoft.Extensions.Logging;

namespace CloudMail.Listener.Tests.Network;

/// <summary>
/// Login throttling on the submission port behind a trusted proxy that sends the PROXY protocol: when the proxy names
/// the client, bad logins are throttled per client address as everywhere; when it does not (<c>PROXY UNKNOWN</c>, so the
/// session's address is the proxy's, shared by everyone), throttling falls back to per account only, so nobody's bad
/// logins lock out anyone else, and the listener says so once in a warning.
/// </summary>
public sealed class ProxyLoginThrottleTests : IAsyncLifetime
{
    private const string ClientA = "198.51.100.21";
    private const string Proxy = "127.0.0.1";

    private TestServer _server = null!;
    private CapturingLoggerProvider _log = null!;

    public async Task InitializeAsync()
    {
        _server = await SmtpServerFixture.StartAsync(new Dictionary<string, string?>
        {
            ["CloudMail:ProxyProtocol:Endpoints:0"] = "Submission",
            ["CloudMail:ProxyProtocol:TrustedProxies"] = Proxy,
            ["CloudMail:Auth:MaxFailuresPerAccountAddress"] = "3",
            ["CloudMail:Auth:MaxFailedAccountsPerAddress"] = "2",
            ["CloudMail:Auth:FailureDelay"] = "00:00:00",
            ["CloudMail:Auth:MaxFailureDelay"] = "00:00:00",
        });
        _log = new CapturingLoggerProvider().AttachTo(_server);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static string Plain(string user, string password) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{user}\0{password}"));

    /// <summary>A TLS submission session through the proxy, which sends <paramref name="proxyLine"/> first.</summary>
    private async Task<RawSmtpClient> ThroughProxyAsync(string proxyLine)
    {
        var client = await RawSmtpClient.ConnectAsync(_server.Port(EndpointKind.Submission));
        await client.SendAsync(proxyLine + "\r\n");
        Assert.Equal(220, (await client.ReadReplyAsync()).Code);
        Assert.Equal(250, (await client.CommandAsync("EHLO client.test")).Code);
        await client.StartTlsAsync();
        Assert.Equal(250, (await client.CommandAsync("EHLO client.test")).Code);
        return client;
    }

    private async Task<string> AuthAsync(string proxyLine, string user, string password)
    {
        await using var client = await ThroughProxyAsync(proxyLine);
        return (await client.CommandAsync("AUTH PLAIN " + Plain(user, password))).ToString();
    }

    [Fact]
    public async Task With_the_client_named_its_address_is_throttled_as_usual()
    {
        string user = await SmtpServerFixture.NewUserAsync(_server);
        string named = $"PROXY TCP4 {ClientA} {Proxy} 40000 587";
        for (int i = 0; i < 3; i++) Assert.StartsWith("535", await AuthAsync(named, user, "wrong password"), StringComparison.Ordinal);

        Assert.StartsWith("454", await AuthAsync(named, user, SmtpServerFixture.Password), StringComparison.Ordinal);
        // Another client behind the same proxy is not affected.
        Assert.StartsWith("235", await AuthAsync($"PROXY TCP4 198.51.100.22 {Proxy} 40001 587", user, SmtpServerFixture.Password), StringComparison.Ordinal);
        Assert.DoesNotContain(_log.Events, e => e.Message.Contains("login throttling falls back to per-account", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_PROXY_UNKNOWN_bad_logins_by_anyone_never_lock_out_everyone_and_a_warning_is_logged_once()
    {
        string owner = await SmtpServerFixture.NewUserAsync(_server);
        string victim = await SmtpServerFixture.NewUserAsync(_server);
        string other = await SmtpServerFixture.NewUserAsync(_server);
        // Past both per-address limits (3 failures on one account, 2 failed accounts) if the proxy's address counted.
        for (int i = 0; i < 4; i++) Assert.StartsWith("535", await AuthAsync("PROXY UNKNOWN", victim, "wrong password"), StringComparison.Ordinal);
        Assert.StartsWith("535", await AuthAsync("PROXY UNKNOWN", other, "wrong password"), StringComparison.Ordinal);

        Assert.StartsWith("235", await AuthAsync("PROXY UNKNOWN", owner, SmtpServerFixture.Password), StringComparison.Ordinal);
        Assert.StartsWith("235", await AuthAsync("PROXY UNKNOWN", victim, SmtpServerFixture.Password), StringComparison.Ordinal);

        var warnings = _log.Events.Where(e => e.Message.Contains("login throttling falls back to per-account only", StringComparison.Ordinal)).ToList();
        var warning = Assert.Single(warnings);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains(Proxy, warning.Message, StringComparison.Ordinal);
    }
}
