using System.Text;
using CloudMail.Listener.Tests.Infrastructure;

namespace CloudMail.Listener.Tests.Pop3;

/// <summary>STLS (RFC 2595), no passwords in plaintext, and AUTH PLAIN and LOGIN (RFC 5034, RFC 4616).</summary>
[Collection(Pop3ServerCollection.Name)]
public sealed class Pop3TlsAndAuthTests(Pop3ServerFixture fixture)
{
    private TestServer Server => fixture.Server;

    private static string Plain(string authzid, string user, string password) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{authzid}\0{user}\0{password}"));

    [Fact]
    public async Task Capa_before_stls_offers_stls_and_hides_user_and_sasl()
    {
        await using var client = await Pop3LineClient.ConnectAsync(fixture.Pop3Port, implicitTls: false);
        var (_, caps) = await client.MultiLineAsync("CAPA");
        Assert.Contains("STLS", caps);
        Assert.DoesNotContain("USER", caps);
        Assert.DoesNotContain(caps, c => c.StartsWith("SASL", StringComparison.Ordinal));
    }

    [Fact]
    public async Task User_pass_and_auth_are_refused_before_stls_and_work_after_it()
    {
        string user = await Pop3TestMail.NewUserAsync(Server);
        await using var client = await Pop3LineClient.ConnectAsync(fixture.Pop3Port, implicitTls: false);
        Assert.StartsWith("-ERR [AUTH]", await client.CommandAsync("USER " + user));
        Assert.StartsWith("-ERR [AUTH]", await client.CommandAsync("PASS " + Pop3TestMail.Password));
        Assert.StartsWith("-ERR [AUTH]", await client.CommandAsync("AUTH PLAIN " + Plain("", user, Pop3TestMail.Password)));
        Assert.Equal("-ERR command not valid in this state", await client.CommandAsync("STAT")); // still AUTHORIZATION

        await client.StartTlsAsync();
        var (_, caps) = await client.MultiLineAsync("CAPA");
        Assert.DoesNotContain("STLS", caps);
        Assert.Contains("USER", caps);
        Assert.Contains("SASL PLAIN LOGIN", caps);
        await client.LoginAsync(user, Pop3TestMail.Password);
        Assert.Equal("+OK 0 0", await client.CommandAsync("STAT"));
    }

    [Fact]
    public async Task Commands_pipelined_behind_stls_are_discarded()
    {
        await using var client = await Pop3LineClient.ConnectAsync(fixture.Pop3Port, implicitTls: false);
        await client.SendAsync("STLS\r\nQUIT\r\n"); // one write: the QUIT is injected plaintext
        Assert.StartsWith("+OK", await client.ReadLineAsync());
        await client.StartTlsHandshakeOnlyAsync();
        // Had the plaintext QUIT survived the handshake, the first reply here would be its sign-off.
        Assert.Equal("+OK capability list follows", (await client.MultiLineAsync("CAPA")).Status);
    }

    [Fact]
    public async Task Stls_when_tls_is_already_active_is_refused()
    {
        await using var client = await Pop3LineClient.ConnectAsync(fixture.Pop3sPort, implicitTls: true);
        Assert.Equal("-ERR command not permitted when TLS active", await client.CommandAsync("STLS"));
        Assert.StartsWith("+OK", (await client.MultiLineAsync("CAPA")).Status);
    }

    [Fact]
    public async Task Second_stls_after_upgrade_is_refused()
    {
        await using var client = await Pop3LineClient.ConnectAsync(fixture.Pop3Port, implicitTls: false);
        await client.StartTlsAsync();
        Assert.Equal("-ERR command not permitted when TLS active", await client.CommandAsync("STLS"));
    }

    [Fact]
    public async Task Auth_plain_with_an_initial_response_logs_in()
    {
        string user = await Pop3TestMail.NewUserAsync(Server);
        await Pop3TestMail.AppendAsync(Server, user, Pop3TestMail.Message("a", "x\r\n"));
        await using var client = await Pop3LineClient.ConnectAsync(fixture.Pop3sPort, implicitTls: true);
        Assert.StartsWith("+OK maildrop locked", await client.CommandAsync("AUTH PLAIN " + Plain("", user, Pop3TestMail.Password)));
        Assert.StartsWith("+OK 1 ", await client.CommandAsync("STAT"));
    }

    [Fact]
    public async Task Auth_plain_with_the_continuation_logs_in()
    {
        string user = await Pop3TestMail.NewUserAsync(Server);
        await using var client = await Pop3LineClient.ConnectAsync(fixture.Pop3Port, implicitTls: false);
        await client.StartTlsAsync();
        Assert.Equal("+ ", await client.CommandAsync("AUTH PLAIN"));
        Assert.StartsWith("+OK maildrop locked", await client.CommandAsync(Plain(user, user, Pop3TestMail.Password)));
        Assert.Equal("+OK 0 0", await client.CommandAsync("STAT"));
    }

    [Fact]
    public async Task Auth_login_prompts_for_user_name_then_password_and_MailKit_logs_in_with_it()
    {
        string user = await Pop3TestMail.NewUserAsync(Server);
        await Pop3TestMail.AppendAsync(Server, user, Pop3TestMail.Message("a", "x\r\n"));
        string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
        await using (var client = await Pop3LineClient.ConnectAsync(fixture.Pop3sPort, implicitTls: true))
        {
            Assert.Contains("SASL PLAIN LOGIN", (await client.MultiLineAsync("CAPA")).Lines);
            Assert.Equal("+ VXNlcm5hbWU6", await client.CommandAsync("AUTH LOGIN")); // "Username:"
            Assert.Equal("+ UGFzc3dvcmQ6", await client.CommandAsync(B64(user))); // "Password:"
            Assert.Equal("-ERR [AUTH] authentication failed", await client.CommandAsync(B64("wrong-password")));
            Assert.Equal("+ UGFzc3dvcmQ6", await client.CommandAsync("AUTH LOGIN " + B64(user))); // the initial response is the user name
            Assert.StartsWith("+OK maildrop locked", await client.CommandAsync(B64(Pop3TestMail.Password)));
            Assert.StartsWith("+OK 1 ", await client.CommandAsync("STAT"));
            await client.CommandAsync("QUIT");
        }

        using var mailkit = new MailKit.Net.Pop3.Pop3Client { ServerCertificateValidationCallback = (_, _, _, _) => true, Timeout = 30_000 };
        await mailkit.ConnectAsync("127.0.0.1", fixture.Pop3sPort, MailKit.Security.SecureSocketOptions.SslOnConnect);
        Assert.Contains("LOGIN", mailkit.AuthenticationMechanisms);
        await mailkit.AuthenticateAsync(new MailKit.Security.SaslMechanismLogin(user, Pop3TestMail.Password));
        Assert.Equal(1, mailkit.Count);
    }

    [Fact]
    public async Task Auth_plain_with_a_wrong_password_fails_with_the_auth_code()
    {
        string user = await Pop3TestMail.NewUserAsync(Server);
        await using var client = await Pop3LineClient.ConnectAsync(fixture.Pop3sPort, implicitTls: true);
        Assert.Equal("-ERR [AUTH] authentication failed", await client.CommandAsync("AUTH PLAIN " + Plain("", user, "wrong-password")));
        Assert.Equal("-ERR command not valid in this state", await client.CommandAsync("STAT"));
    }

    [Fact]
    public async Task Auth_exchange_can_be_cancelled_with_a_star()
    {
        await using var client = await Pop3LineClient.ConnectAsync(fixture.Pop3sPort, implicitTls: true);
        Assert.Equal("+ ", await client.CommandAsync("AUTH PLAIN"));
        Assert.Equal("-ERR authentication cancelled", await client.CommandAsync("*"));
        Assert.StartsWith("+OK", (await client.MultiLineAsync("CAPA")).Status);
    }

    [Fact]
    public async Task Auth_with_invalid_base64_or_another_authzid_is_refused()
    {
        string user = await Pop3TestMail.NewUserAsync(Server);
        await using var client = await Pop3LineClient.ConnectAsync(fixture.Pop3sPort, implicitTls: true);
        Assert.Equal("-ERR [AUTH] invalid SASL response", await client.CommandAsync("AUTH PLAIN %%%notbase64"));
        Assert.Equal("-ERR [AUTH] invalid SASL response", await client.CommandAsync("AUTH PLAIN ="));
        Assert.StartsWith("-ERR [AUTH] authorization identity",
            await client.CommandAsync("AUTH PLAIN " + Plain("postmaster@" + TestServer.Domain, user, Pop3TestMail.Password)));
    }

    [Fact]
    public async Task Auth_with_an_unsupported_mechanism_is_refused_and_bare_auth_lists_plain_and_login()
    {
        await using var client = await Pop3LineClient.ConnectAsync(fixture.Pop3sPort, implicitTls: true);
        Assert.Equal("-ERR unsupported authentication mechanism", await client.CommandAsync("AUTH CRAM-MD5"));
        var (status, mechanisms) = await client.MultiLineAsync("AUTH");
        Assert.StartsWith("+OK", status);
        Assert.Equal(["PLAIN", "LOGIN"], mechanisms);
        Assert.Equal("-ERR command not valid in this state", await client.CommandAsync("STAT"));
    }
}
