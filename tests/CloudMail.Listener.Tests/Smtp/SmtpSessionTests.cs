using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Infrastructure;

namespace CloudMail.Listener.Tests.Smtp;

/// <summary>Greeting, EHLO, the state machine, line limits, error limits and STARTTLS, over raw sockets.</summary>
public class SmtpSessionTests(SmtpServerFixture fixture) : IClassFixture<SmtpServerFixture>
{
    private TestServer Server => fixture.Server;

    private int Port25 => Server.Port(EndpointKind.Smtp);

    [Fact]
    public async Task Greeting_is_220_with_the_host_name()
    {
        await using var client = await RawSmtpClient.ConnectAsync(Port25);
        Assert.Equal("220 mail.example.test ESMTP CloudMail", (await client.ReadReplyAsync()).ToString());
    }

    [Fact]
    public async Task Ehlo_on_port_25_advertises_the_extensions_and_starttls_but_never_auth()
    {
        await using var client = await RawSmtpClient.ConnectAsync(Port25);
        await client.ReadReplyAsync();
        var ehlo = await client.CommandAsync("EHLO client.test");
        Assert.Equal("250-mail.example.test Hello client.test [127.0.0.1]", ehlo.Lines[0]);
        Assert.Equal(["PIPELINING", $"SIZE {SmtpServerFixture.MaxMessageSize}", "8BITMIME", "SMTPUTF8", "ENHANCEDSTATUSCODES", "CHUNKING", "DSN", $"LIMITS RCPTMAX={SmtpServerFixture.MaxRecipients}", "STARTTLS"], ehlo.Extensions);
        await client.StartTlsAsync();
        var secure = await client.CommandAsync("EHLO client.test");
        Assert.DoesNotContain(secure.Extensions, e => e.StartsWith("AUTH") || e == "STARTTLS");
        Assert.Equal("502 5.5.1 Command not implemented", (await client.CommandAsync("AUTH PLAIN AGEAYg==")).ToString());
    }

    [Fact]
    public async Task Ehlo_on_587_offers_auth_only_after_starttls_and_465_offers_it_at_once()
    {
        await using (var client = await RawSmtpClient.ConnectAsync(Server.Port(EndpointKind.Submission)))
        {
            await client.ReadReplyAsync();
            var plain = await client.CommandAsync("EHLO client.test");
            Assert.Contains("STARTTLS", plain.Extensions);
            Assert.DoesNotContain(plain.Extensions, e => e.StartsWith("AUTH"));
            await client.StartTlsAsync();
            var secure = await client.CommandAsync("EHLO client.test");
            Assert.Contains("AUTH PLAIN LOGIN", secure.Extensions);
            Assert.DoesNotContain("STARTTLS", secure.Extensions);
        }
        await using (var client = await RawSmtpClient.ConnectAsync(Server.Port(EndpointKind.Submissions), implicitTls: true))
        {
            Assert.Equal(220, (await client.ReadReplyAsync()).Code);
            var ehlo = await client.CommandAsync("EHLO client.test");
            Assert.Contains("AUTH PLAIN LOGIN", ehlo.Extensions);
            Assert.DoesNotContain("STARTTLS", ehlo.Extensions);
            Assert.Equal("503 5.5.1 TLS already active", (await client.CommandAsync("STARTTLS")).ToString());
        }
    }

    [Fact]
    public async Task Helo_works_and_gives_a_single_line()
    {
        await using var client = await RawSmtpClient.ConnectAsync(Port25);
        await client.ReadReplyAsync();
        Assert.Equal("250 mail.example.test", (await client.CommandAsync("HELO client.test")).ToString());
        Assert.Equal(250, (await client.CommandAsync("MAIL FROM:<a@remote.test>")).Code);
    }

    [Fact]
    public async Task Mail_before_ehlo_is_rejected_with_503()
    {
        await using var client = await RawSmtpClient.ConnectAsync(Port25);
        await client.ReadReplyAsync();
        Assert.Equal("503 5.5.1 Bad sequence of commands", (await client.CommandAsync("MAIL FROM:<a@remote.test>")).ToString());
    }

    [Fact]
    public async Task Rcpt_before_mail_is_rejected_with_503()
    {
        await using var client = await RawSmtpClient.ConnectAndEhloAsync(Port25);
        Assert.Equal("503 5.5.1 Bad sequence of commands", (await client.CommandAsync("RCPT TO:<a@example.test>")).ToString());
    }

    [Fact]
    public async Task Data_without_an_accepted_recipient_is_rejected_with_503()
    {
        await using var client = await RawSmtpClient.ConnectAndEhloAsync(Port25);
        Assert.Equal(503, (await client.CommandAsync("DATA")).Code);
        Assert.Equal(250, (await client.CommandAsync("MAIL FROM:<a@remote.test>")).Code);
        Assert.Equal(550, (await client.CommandAsync("RCPT TO:<nobody@example.test>")).Code);
        Assert.Equal("503 5.5.1 Bad sequence of commands", (await client.CommandAsync("DATA")).ToString());
        Assert.Equal("503 5.5.1 Bad sequence of commands", (await client.CommandAsync("MAIL FROM:<a@remote.test>")).ToString());
    }

    [Fact]
    public async Task Rset_ends_the_transaction()
    {
        string recipient = await fixture.NewUserAsync();
        await using var client = await RawSmtpClient.ConnectAndEhloAsync(Port25);
        Assert.Equal(250, (await client.CommandAsync("MAIL FROM:<a@remote.test>")).Code);
        Assert.Equal(250, (await client.CommandAsync($"RCPT TO:<{recipient}>")).Code);
        Assert.Equal("250 2.0.0 Ok", (await client.CommandAsync("RSET")).ToString());
        Assert.Equal(503, (await client.CommandAsync("DATA")).Code);
    }

    [Fact]
    public async Task Simple_commands_answer_as_the_rfc_says()
    {
        await using var client = await RawSmtpClient.ConnectAndEhloAsync(Port25);
        Assert.Equal("250 2.0.0 Ok", (await client.CommandAsync("NOOP")).ToString());
        Assert.Equal(252, (await client.CommandAsync("VRFY postmaster")).Code);
        Assert.Equal(214, (await client.CommandAsync("HELP")).Code);
        Assert.Equal(502, (await client.CommandAsync("EXPN staff")).Code);
        Assert.Equal("500 5.5.2 Command not recognized", (await client.CommandAsync("XYZZY")).ToString());
        Assert.Equal("501 5.5.4 Syntax: DATA", (await client.CommandAsync("DATA please")).ToString());
        Assert.Equal("221 2.0.0 Bye", (await client.CommandAsync("QUIT")).ToString());
        Assert.True(await client.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Line_too_long_gets_500_5_5_6_and_the_session_goes_on()
    {
        await using var client = await RawSmtpClient.ConnectAndEhloAsync(Port25);
        await client.SendAsync("NOOP " + new string('x', 100_000) + "\r\n");
        Assert.Equal("500 5.5.6 Line too long", (await client.ReadReplyAsync()).ToString());
        Assert.Equal(250, (await client.CommandAsync("NOOP")).Code);
        Assert.Equal(250, (await client.CommandAsync("MAIL FROM:<a@remote.test>")).Code);
    }

    [Fact]
    public async Task Too_many_errors_get_421_and_the_connection_is_closed()
    {
        await using var client = await RawSmtpClient.ConnectAndEhloAsync(Port25);
        // The default limit is Postfix's smtpd_hard_error_limit: 20 errors answered, the 21st closes.
        for (int i = 0; i < 20; i++) Assert.Equal(500, (await client.CommandAsync("BOGUS")).Code);
        Assert.Equal(500, (await client.CommandAsync("BOGUS")).Code);
        Assert.Equal("421 4.7.0 mail.example.test Too many errors, closing transmission channel", (await client.ReadReplyAsync()).ToString());
        Assert.True(await client.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Commands_pipelined_behind_starttls_are_discarded_not_run_after_the_handshake()
    {
        await using var client = await RawSmtpClient.ConnectAndEhloAsync(Port25);
        await client.SendAsync("STARTTLS\r\nRSET\r\n");
        Assert.Equal("220 2.0.0 Ready to start TLS", (await client.ReadReplyAsync()).ToString());
        await client.HandshakeAsync();
        // Had RSET survived, its "250 2.0.0 Ok" would arrive now, before anything we send over TLS.
        Assert.Null(await client.TryReadLineAsync(TimeSpan.FromMilliseconds(500)));
        var ehlo = await client.CommandAsync("EHLO client.test");
        Assert.StartsWith("250-mail.example.test", ehlo.Lines[0]);
    }

    [Fact]
    public async Task After_starttls_the_client_must_ehlo_again()
    {
        await using var client = await RawSmtpClient.ConnectAndEhloAsync(Port25);
        await client.StartTlsAsync();
        Assert.Equal(503, (await client.CommandAsync("MAIL FROM:<a@remote.test>")).Code);
        Assert.Equal(250, (await client.CommandAsync("EHLO client.test")).Code);
        Assert.Equal(250, (await client.CommandAsync("MAIL FROM:<a@remote.test>")).Code);
        Assert.Equal(503, (await client.CommandAsync("STARTTLS")).Code); // in a transaction
        Assert.Equal(250, (await client.CommandAsync("RSET")).Code);
        Assert.Equal("503 5.5.1 TLS already active", (await client.CommandAsync("STARTTLS")).ToString());
    }

    [Fact]
    public async Task Starttls_before_ehlo_is_out_of_order()
    {
        await using var client = await RawSmtpClient.ConnectAsync(Port25);
        await client.ReadReplyAsync();
        Assert.Equal(503, (await client.CommandAsync("STARTTLS")).Code);
    }

    [Fact]
    public async Task Idle_client_gets_421_after_the_command_timeout()
    {
        // 3 s: the timeout also runs between the greeting and EHLO, where it must not fire even if the test host stalls.
        await using var server = await SmtpServerFixture.StartAsync(new Dictionary<string, string?> { ["CloudMail:Smtp:CommandTimeout"] = "00:00:03" });
        await using var client = await RawSmtpClient.ConnectAndEhloAsync(server.Port(EndpointKind.Smtp));
        var reply = await client.ReadReplyAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("421 4.4.2 mail.example.test Timeout exceeded, closing transmission channel", reply.ToString());
        Assert.True(await client.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Server_shutdown_says_421_to_idle_clients()
    {
        var server = await SmtpServerFixture.StartAsync();
        await using var client = await RawSmtpClient.ConnectAndEhloAsync(server.Port(EndpointKind.Smtp));
        var stopping = server.DisposeAsync().AsTask();
        var reply = await client.ReadReplyAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("421 4.3.2 mail.example.test Service shutting down, closing transmission channel", reply.ToString());
        await stopping;
    }
}
