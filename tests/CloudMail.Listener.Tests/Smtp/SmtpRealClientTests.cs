using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Infrastructure;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace CloudMail.Listener.Tests.Smtp;

/// <summary>Real clients (MailKit, Python smtplib, swaks) against the real server; every message must land in the INBOX.</summary>
public class SmtpRealClientTests(SmtpServerFixture fixture) : IClassFixture<SmtpServerFixture>
{
    private TestServer Server => fixture.Server;

    private static MimeMessage Message(string from, string to, string subject, string body) => new()
    {
        From = { MailboxAddress.Parse(from) },
        To = { MailboxAddress.Parse(to) },
        Subject = subject,
        Body = new TextPart("plain") { Text = body },
    };

    private static SmtpClient NewMailKitClient() => new() { ServerCertificateValidationCallback = (_, _, _, _) => true, Timeout = 15000 };

    [Fact]
    public async Task MailKit_submission_on_587_with_starttls_and_auth_lands_in_the_inbox()
    {
        string sender = await fixture.NewUserAsync();
        string recipient = await fixture.NewUserAsync();
        using var client = NewMailKitClient();
        await client.ConnectAsync("127.0.0.1", Server.Port(EndpointKind.Submission), SecureSocketOptions.StartTls);
        Assert.True(client.IsSecure);
        Assert.Contains("PLAIN", client.AuthenticationMechanisms);
        Assert.Contains("LOGIN", client.AuthenticationMechanisms);
        Assert.True(client.Capabilities.HasFlag(SmtpCapabilities.Pipelining));
        Assert.True(client.Capabilities.HasFlag(SmtpCapabilities.EightBitMime));
        Assert.True(client.Capabilities.HasFlag(SmtpCapabilities.EnhancedStatusCodes));
        Assert.True(client.Capabilities.HasFlag(SmtpCapabilities.UTF8));
        Assert.Equal(SmtpServerFixture.MaxMessageSize, (long)client.MaxSize);
        await client.AuthenticateAsync(sender, SmtpServerFixture.Password);
        string response = await client.SendAsync(Message(sender, recipient, "via 587", "Hello over STARTTLS"));
        await client.DisconnectAsync(true);

        Assert.StartsWith("2.0.0 Ok: queued as ", response);
        string stored = await SmtpServerFixture.SingleDeliveredAsync(Server, recipient);
        Assert.StartsWith("Received: from ", stored);
        Assert.Contains("by mail.example.test with ESMTPSA", stored);
        Assert.Contains("Subject: via 587", stored);
        Assert.Contains("Hello over STARTTLS", stored);
    }

    [Fact]
    public async Task MailKit_submission_on_465_with_implicit_tls_lands_in_the_inbox()
    {
        string sender = await fixture.NewUserAsync();
        string recipient = await fixture.NewUserAsync();
        using var client = NewMailKitClient();
        await client.ConnectAsync("127.0.0.1", Server.Port(EndpointKind.Submissions), SecureSocketOptions.SslOnConnect);
        Assert.False(client.Capabilities.HasFlag(SmtpCapabilities.StartTLS)); // already TLS
        await client.AuthenticateAsync(new SaslMechanismLogin(sender, SmtpServerFixture.Password));
        await client.SendAsync(Message(sender, recipient, "via 465", "Hello over implicit TLS"));
        await client.DisconnectAsync(true);

        string stored = await SmtpServerFixture.SingleDeliveredAsync(Server, recipient);
        Assert.Contains("Subject: via 465", stored);
        Assert.Contains("Hello over implicit TLS", stored);
    }

    [Fact]
    public async Task MailKit_on_port_25_delivers_to_a_local_user_without_auth_and_with_opportunistic_tls()
    {
        string recipient = await fixture.NewUserAsync();
        using var client = NewMailKitClient();
        await client.ConnectAsync("127.0.0.1", Server.Port(EndpointKind.Smtp), SecureSocketOptions.StartTlsWhenAvailable);
        Assert.True(client.IsSecure);
        Assert.Empty(client.AuthenticationMechanisms); // port 25 never offers AUTH
        var message = Message("someone@remote.test", recipient, "inbound", "From another server");
        message.Body = new TextPart("plain") { Text = "Unicode body: \u00e9t\u00e9 \u2603" };
        await client.SendAsync(message);
        await client.DisconnectAsync(true);

        string stored = await SmtpServerFixture.SingleDeliveredAsync(Server, recipient);
        Assert.Matches(@"with ESMTPS \(TLSv1\.[23] TLS_[A-Z0-9_]+\)", stored);
        Assert.Contains("Subject: inbound", stored);
    }

    [Fact]
    public async Task Python_smtplib_on_port_25_delivers_to_a_local_user()
    {
        string recipient = await fixture.NewUserAsync();
        var result = await ExternalClient.PythonAsync("""
            import smtplib, sys
            port, rcpt = int(sys.argv[1]), sys.argv[2]
            msg = "From: sender@remote.test\r\nTo: %s\r\nSubject: from python\r\n\r\nHello from smtplib\r\n.leading dot line\r\n" % rcpt
            with smtplib.SMTP("127.0.0.1", port, timeout=15) as s:
                code, _ = s.ehlo()
                assert code == 250
                assert s.has_extn("pipelining") and s.has_extn("size") and not s.has_extn("auth")
                refused = s.sendmail("sender@remote.test", [rcpt], msg)
                assert refused == {}, refused
            print("sent")
            """, Server.Port(EndpointKind.Smtp).ToString(), recipient);
        Assert.True(result.ExitCode == 0, result.ToString());

        string stored = await SmtpServerFixture.SingleDeliveredAsync(Server, recipient);
        Assert.Contains("Subject: from python", stored);
        Assert.Contains("\r\n.leading dot line\r\n", stored); // smtplib stuffed it, the server unstuffed it
        Assert.Contains($"for <{recipient}>", stored);
    }

    [Fact]
    public async Task Python_smtplib_submission_with_starttls_and_login_lands_in_the_inbox()
    {
        string sender = await fixture.NewUserAsync();
        string recipient = await fixture.NewUserAsync();
        var result = await ExternalClient.PythonAsync("""
            import smtplib, ssl, sys
            port, user, password, rcpt = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
            with smtplib.SMTP("127.0.0.1", port, timeout=15) as s:
                s.ehlo()
                assert not s.has_extn("auth"), "AUTH must not be offered before TLS"
                s.starttls(context=ssl._create_unverified_context())
                s.ehlo()
                assert "PLAIN" in s.esmtp_features["auth"].upper()
                s.login(user, password)
                s.sendmail(user, [rcpt], "Subject: python submission\r\n\r\nsubmitted\r\n")
            # AUTH PLAIN with the 334 continuation instead of an initial response, and AUTH LOGIN.
            for mechanism in ("PLAIN", "LOGIN"):
                with smtplib.SMTP("127.0.0.1", port, timeout=15) as s:
                    s.starttls(context=ssl._create_unverified_context())
                    s.ehlo()
                    s.user, s.password = user, password
                    code, _ = s.auth(mechanism, getattr(s, "auth_" + mechanism.lower()), initial_response_ok=False)
                    assert code == 235, code
            print("ok")
            """, Server.Port(EndpointKind.Submission).ToString(), sender, SmtpServerFixture.Password, recipient);
        Assert.True(result.ExitCode == 0, result.ToString());

        string stored = await SmtpServerFixture.SingleDeliveredAsync(Server, recipient);
        Assert.Contains("Subject: python submission", stored);
        Assert.Contains("with ESMTPSA", stored);
    }

    [Fact]
    public async Task Swaks_on_port_25_delivers_to_a_local_user()
    {
        string recipient = await fixture.NewUserAsync();
        var result = await ExternalClient.SwaksAsync(
            "--server", "127.0.0.1", "--port", Server.Port(EndpointKind.Smtp).ToString(),
            "--to", recipient, "--from", "x@remote.test", "--header", "Subject: from swaks", "--silent", "2");
        Assert.True(result.ExitCode == 0, result.ToString());

        string stored = await SmtpServerFixture.SingleDeliveredAsync(Server, recipient);
        Assert.Contains("Subject: from swaks", stored);
    }

    [Fact]
    public async Task Swaks_with_pipelining_starttls_and_auth_on_587_delivers()
    {
        string sender = await fixture.NewUserAsync();
        string recipient = await fixture.NewUserAsync();
        var result = await ExternalClient.SwaksAsync(
            "--server", "127.0.0.1", "--port", Server.Port(EndpointKind.Submission).ToString(), "--tls", "--pipeline",
            "--auth", "LOGIN", "--auth-user", sender, "--auth-password", SmtpServerFixture.Password,
            "--to", recipient, "--from", sender, "--header", "Subject: swaks submission", "--silent", "2");
        Assert.True(result.ExitCode == 0, result.ToString());

        string stored = await SmtpServerFixture.SingleDeliveredAsync(Server, recipient);
        Assert.Contains("Subject: swaks submission", stored);
    }

    [Fact]
    public async Task Swaks_relay_attempt_on_port_25_is_refused()
    {
        var result = await ExternalClient.SwaksAsync(
            "--server", "127.0.0.1", "--port", Server.Port(EndpointKind.Smtp).ToString(),
            "--to", "victim@other.test", "--from", "spammer@remote.test", "--silent", "0");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("554 5.7.1", result.Output);
    }
}
