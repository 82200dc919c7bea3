using System.Text;
using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Infrastructure;
using MailKit.Net.Smtp;
using MailKit.Security;

namespace CloudMail.Listener.Tests.Smtp;

/// <summary>AUTH on the submission ports: TLS first, mechanisms, failures and throttling.</summary>
public class SmtpAuthTests(SmtpServerFixture fixture) : IClassFixture<SmtpServerFixture>
{
    private TestServer Server => fixture.Server;

    private static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));

    private static string Plain(string user, string password) => B64($"\0{user}\0{password}");

    private async Task<RawSmtpClient> SecureSubmissionAsync(TestServer? server = null)
    {
        var client = await RawSmtpClient.ConnectAndEhloAsync((server ?? Server).Port(EndpointKind.Submission));
        await client.StartTlsAsync();
        Assert.Equal(250, (await client.CommandAsync("EHLO client.test")).Code);
        return client;
    }

    [Fact]
    public async Task Auth_before_tls_on_587_is_not_advertised_and_is_refused_with_538()
    {
        string user = await fixture.NewUserAsync();
        await using var client = await RawSmtpClient.ConnectAndEhloAsync(Server.Port(EndpointKind.Submission));
        Assert.Equal("538 5.7.11 Encryption required for requested authentication mechanism",
            (await client.CommandAsync("AUTH PLAIN " + Plain(user, SmtpServerFixture.Password))).ToString());
        Assert.Equal("538 5.7.11 Encryption required for requested authentication mechanism", (await client.CommandAsync("AUTH LOGIN")).ToString());
        Assert.Equal(530, (await client.CommandAsync($"MAIL FROM:<{user}>")).Code);
    }

    [Fact]
    public async Task MailKit_refuses_to_authenticate_before_tls_because_nothing_is_offered()
    {
        string user = await fixture.NewUserAsync();
        using var client = new SmtpClient { ServerCertificateValidationCallback = (_, _, _, _) => true };
        await client.ConnectAsync("127.0.0.1", Server.Port(EndpointKind.Submission), SecureSocketOptions.None);
        Assert.False(client.Capabilities.HasFlag(SmtpCapabilities.Authentication));
        await Assert.ThrowsAsync<NotSupportedException>(() => client.AuthenticateAsync(user, SmtpServerFixture.Password));
    }

    [Fact]
    public async Task Plain_with_the_334_continuation_and_login_both_succeed()
    {
        string user = await fixture.NewUserAsync();
        await using (var client = await SecureSubmissionAsync())
        {
            Assert.Equal("334 ", (await client.CommandAsync("AUTH PLAIN")).ToString());
            Assert.Equal("235 2.7.0 Authentication successful", (await client.CommandAsync(Plain(user, SmtpServerFixture.Password))).ToString());
            Assert.Equal("503 5.5.1 Already authenticated", (await client.CommandAsync("AUTH PLAIN " + Plain(user, SmtpServerFixture.Password))).ToString());
        }
        await using (var client = await SecureSubmissionAsync())
        {
            Assert.Equal("334 VXNlcm5hbWU6", (await client.CommandAsync("AUTH LOGIN")).ToString());
            Assert.Equal("334 UGFzc3dvcmQ6", (await client.CommandAsync(B64(user.ToUpperInvariant()))).ToString());
            Assert.Equal(235, (await client.CommandAsync(B64(SmtpServerFixture.Password))).Code);
            Assert.Equal(250, (await client.CommandAsync($"MAIL FROM:<{user}>")).Code);
        }
    }

    [Fact]
    public async Task Star_cancels_the_exchange_with_501_and_bad_base64_gets_501()
    {
        await using var client = await SecureSubmissionAsync();
        Assert.Equal(334, (await client.CommandAsync("AUTH LOGIN")).Code);
        Assert.Equal("501 5.7.0 Authentication cancelled", (await client.CommandAsync("*")).ToString());
        Assert.Equal(334, (await client.CommandAsync("AUTH PLAIN")).Code);
        Assert.Equal("501 5.5.2 Cannot decode authentication response", (await client.CommandAsync("%%%")).ToString());
        Assert.Equal("504 5.5.4 Unrecognized authentication type", (await client.CommandAsync("AUTH CRAM-MD5")).ToString());
    }

    [Fact]
    public async Task Responses_with_white_space_invalid_utf8_or_another_authzid_are_refused_by_the_shared_sasl_rules()
    {
        string user = await fixture.NewUserAsync();
        await using var client = await SecureSubmissionAsync();
        string plain = Plain(user, SmtpServerFixture.Password);
        Assert.Equal(334, (await client.CommandAsync("AUTH PLAIN")).Code);
        Assert.Equal("501 5.5.2 Cannot decode authentication response", (await client.CommandAsync(plain[..4] + " " + plain[4..])).ToString()); // RFC 4648 §3.3
        Assert.Equal("501 5.5.2 Cannot decode authentication response", (await client.CommandAsync("AUTH PLAIN AMMoAHB3")).ToString()); // not UTF-8
        Assert.Equal("535 5.7.8 Authentication credentials invalid", (await client.CommandAsync("AUTH PLAIN " + B64($"admin@example.test\0{user}\0{SmtpServerFixture.Password}"))).ToString());
    }

    [Fact]
    public async Task Auth_during_a_transaction_is_out_of_order()
    {
        string user = await fixture.NewUserAsync();
        await using var client = await SecureSubmissionAsync();
        Assert.Equal(235, (await client.CommandAsync("AUTH PLAIN " + Plain(user, SmtpServerFixture.Password))).Code);
        Assert.Equal(250, (await client.CommandAsync($"MAIL FROM:<{user}>")).Code);
        Assert.Equal(503, (await client.CommandAsync("AUTH PLAIN " + Plain(user, SmtpServerFixture.Password))).Code);
    }

    [Fact]
    public async Task Wrong_password_gets_535_and_after_max_failures_that_address_is_throttled_even_with_the_right_password()
    {
        await using var server = await SmtpServerFixture.StartAsync(new Dictionary<string, string?> { ["CloudMail:Auth:MaxFailuresPerAccountAddress"] = "3" });
        string user = await SmtpServerFixture.NewUserAsync(server);
        for (int i = 0; i < 3; i++)
        {
            await using var attempt = await SecureSubmissionAsync(server);
            Assert.Equal("535 5.7.8 Authentication credentials invalid", (await attempt.CommandAsync("AUTH PLAIN " + Plain(user, "wrong password"))).ToString());
        }
        await using var client = await SecureSubmissionAsync(server);
        Assert.Equal("454 4.7.0 Temporary authentication failure, try again later",
            (await client.CommandAsync("AUTH PLAIN " + Plain(user, SmtpServerFixture.Password))).ToString());
        Assert.Equal(530, (await client.CommandAsync($"MAIL FROM:<{user}>")).Code);
    }

    [Fact]
    public async Task Auth_failures_count_as_errors_and_end_the_session()
    {
        await using var server = await SmtpServerFixture.StartAsync(new Dictionary<string, string?> { ["CloudMail:Smtp:MaxErrors"] = "2" });
        string user = await SmtpServerFixture.NewUserAsync(server);
        await using var client = await SecureSubmissionAsync(server);
        for (int i = 0; i < 2; i++) Assert.Equal(535, (await client.CommandAsync("AUTH PLAIN " + Plain(user, "wrong password"))).Code);
        Assert.Equal(535, (await client.CommandAsync("AUTH PLAIN " + Plain(user, "wrong password"))).Code);
        Assert.Equal(421, (await client.ReadReplyAsync()).Code);
        Assert.True(await client.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task An_accepted_message_starts_the_error_count_again()
    {
        await using var server = await SmtpServerFixture.StartAsync(new Dictionary<string, string?> { ["CloudMail:Smtp:MaxErrors"] = "2" });
        string recipient = await SmtpServerFixture.NewUserAsync(server);
        await using var client = await RawSmtpClient.ConnectAndEhloAsync(server.Port(EndpointKind.Smtp));
        for (int i = 0; i < 2; i++) Assert.Equal(500, (await client.CommandAsync("BOGUS")).Code);
        Assert.Equal(250, (await client.CommandAsync("MAIL FROM:<a@remote.test>")).Code);
        Assert.Equal(250, (await client.CommandAsync($"RCPT TO:<{recipient}>")).Code);
        Assert.Equal(354, (await client.CommandAsync("DATA")).Code);
        Assert.Equal(250, (await client.CommandAsync("Subject: hi\r\n\r\nhello\r\n.")).Code);
        for (int i = 0; i < 2; i++) Assert.Equal(500, (await client.CommandAsync("BOGUS")).Code);
        Assert.Equal(500, (await client.CommandAsync("BOGUS")).Code);
        Assert.Equal(421, (await client.ReadReplyAsync()).Code);
    }

    [Fact]
    public async Task AllowInsecureAuth_offers_and_accepts_auth_before_tls()
    {
        await using var server = await SmtpServerFixture.StartAsync(new Dictionary<string, string?> { ["CloudMail:Smtp:AllowInsecureAuth"] = "true" });
        string user = await SmtpServerFixture.NewUserAsync(server);
        await using var client = await RawSmtpClient.ConnectAsync(server.Port(EndpointKind.Submission));
        await client.ReadReplyAsync();
        Assert.Contains("AUTH PLAIN LOGIN", (await client.CommandAsync("EHLO client.test")).Extensions);
        Assert.Equal(235, (await client.CommandAsync("AUTH PLAIN " + Plain(user, SmtpServerFixture.Password))).Code);
    }
}
