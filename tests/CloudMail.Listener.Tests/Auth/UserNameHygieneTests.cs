using System.Text;
using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Imap;
using CloudMail.Listener.Tests.Infrastructure;
using CloudMail.Listener.Tests.Pop3;
using CloudMail.Listener.Tests.Smtp;
using Microsoft.Extensions.Logging;

namespace CloudMail.Listener.Tests.Auth;

/// <summary>
/// Blank, control-character and over-long user names on every protocol: an ordinary failed login, the session goes on,
/// nothing crashes, and the name as received never reaches the log.
/// </summary>
public sealed class UserNameHygieneTests : IAsyncLifetime
{
    private const string Password = "correct-horse-battery";
    private const string User = "hygiene@" + TestServer.Domain;

    /// <summary>A log line an attacker would like fail2ban to act on, behind a CR LF in the user name.</summary>
    private const string Forged = "nobody\r\nIMAP login of admin@example.test from 203.0.113.9 with LOGIN";

    private TestServer _server = null!;
    private CapturingLoggerProvider _log = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        await _server.AddUserAsync(User, Password);
        _log = new CapturingLoggerProvider().AttachTo(_server);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));

    private void AssertNoErrorLogged() =>
        Assert.DoesNotContain(_log.Events, e => e.Level >= LogLevel.Error || e.Exception is not null);

    [Fact]
    public async Task Blank_user_name_on_imap_is_an_ordinary_failed_login_and_the_session_goes_on()
    {
        await using var imap = await RawImapClient.ConnectAsync(_server, implicitTls: true);
        await imap.ReadLineAsync();
        Assert.Equal("a NO [AUTHENTICATIONFAILED] Invalid credentials", (await imap.CommandAsync($"a LOGIN \"\" \"{Password}\"", "a"))[^1]);
        Assert.Equal("b NO [AUTHENTICATIONFAILED] Invalid credentials", (await imap.CommandAsync($"b LOGIN \"   \" \"{Password}\"", "b"))[^1]);
        Assert.Equal("c NO [AUTHENTICATIONFAILED] Invalid credentials",
            (await imap.CommandAsync("c AUTHENTICATE PLAIN " + B64($"\0 \0{Password}"), "c"))[^1]);
        Assert.StartsWith("d OK", (await imap.CommandAsync($"d LOGIN \"{User}\" \"{Password}\"", "d"))[^1]);
        AssertNoErrorLogged();
    }

    [Fact]
    public async Task Blank_user_name_on_pop3_is_an_ordinary_failed_login_and_the_session_goes_on()
    {
        await using var pop3 = await Pop3LineClient.ConnectAsync(_server.Port(EndpointKind.Pop3s), implicitTls: true);
        Assert.Equal("-ERR [AUTH] authentication failed", await pop3.CommandAsync("AUTH PLAIN " + B64($"\0 \0{Password}")));
        Assert.Equal("-ERR [AUTH] authentication failed", await pop3.CommandAsync("AUTH PLAIN " + B64($"\0\t\0{Password}")));
        await pop3.LoginAsync(User, Password);
        AssertNoErrorLogged();
    }

    [Fact]
    public async Task Blank_user_name_on_smtp_is_an_ordinary_failed_login_and_the_session_goes_on()
    {
        await using var smtp = await RawSmtpClient.ConnectAndEhloAsync(_server.Port(EndpointKind.Submissions), implicitTls: true);
        Assert.Equal("535 5.7.8 Authentication credentials invalid", (await smtp.CommandAsync("AUTH PLAIN " + B64($"\0 \0{Password}"))).ToString());
        Assert.Equal(334, (await smtp.CommandAsync("AUTH LOGIN")).Code);
        Assert.Equal(334, (await smtp.CommandAsync(B64("  "))).Code);
        Assert.Equal("535 5.7.8 Authentication credentials invalid", (await smtp.CommandAsync(B64(Password))).ToString());
        Assert.Equal(235, (await smtp.CommandAsync("AUTH PLAIN " + LoginProbe.Plain(User, Password))).Code);
        AssertNoErrorLogged();
    }

    [Fact]
    public async Task Crlf_in_an_imap_login_literal_user_name_is_refused_and_never_logged_raw()
    {
        await using var imap = await RawImapClient.ConnectAsync(_server, implicitTls: true);
        await imap.ReadLineAsync();
        int octets = Encoding.UTF8.GetByteCount(Forged);
        await imap.SendAsync($"a LOGIN {{{octets}+}}\r\n{Forged} \"{Password}\"\r\n");
        Assert.Equal("a NO [AUTHENTICATIONFAILED] Invalid credentials", (await imap.ReadUntilTaggedAsync("a"))[^1]);
        Assert.StartsWith("b OK", (await imap.CommandAsync($"b LOGIN \"{User}\" \"{Password}\"", "b"))[^1]);

        Assert.DoesNotContain("203.0.113.9", _log.Text);
        Assert.Contains(_log.Events, e => e.Message.Contains("invalid user name", StringComparison.Ordinal));
        Assert.DoesNotContain(_log.Events, e => e.Message.Contains('\r') || e.Message.Contains('\n'));
    }

    [Fact]
    public async Task Control_characters_in_a_pop3_or_smtp_sasl_user_name_are_refused_and_never_logged_raw()
    {
        await using (var pop3 = await Pop3LineClient.ConnectAsync(_server.Port(EndpointKind.Pop3s), implicitTls: true))
        {
            Assert.Equal("-ERR [AUTH] authentication failed", await pop3.CommandAsync("AUTH PLAIN " + B64($"\0{Forged}\0{Password}")));
            Assert.Equal("-ERR [AUTH] authentication failed", await pop3.CommandAsync("AUTH PLAIN " + B64($"\0nobody\u0007bell\0{Password}")));
        }
        await using (var smtp = await RawSmtpClient.ConnectAndEhloAsync(_server.Port(EndpointKind.Submissions), implicitTls: true))
        {
            Assert.Equal("535 5.7.8 Authentication credentials invalid", (await smtp.CommandAsync("AUTH PLAIN " + B64($"\0{Forged}\0{Password}"))).ToString());
        }
        Assert.DoesNotContain("203.0.113.9", _log.Text);
        Assert.DoesNotContain("bell", _log.Text);
        Assert.DoesNotContain(_log.Events, e => e.Message.Contains('\r') || e.Message.Contains('\n') || e.Message.Contains('\u0007'));
    }

    [Fact]
    public async Task User_names_over_255_octets_are_refused_before_they_are_looked_up_or_logged()
    {
        string fits = new string('f', 255 - ("@" + TestServer.Domain).Length) + "@" + TestServer.Domain;
        string tooLong = new string('l', 256 - ("@" + TestServer.Domain).Length) + "@" + TestServer.Domain;
        await using var imap = await RawImapClient.ConnectAsync(_server, implicitTls: true);
        await imap.ReadLineAsync();

        await imap.SendAsync($"a LOGIN {{{tooLong.Length}+}}\r\n{tooLong} \"{Password}\"\r\n");
        Assert.Equal("a NO [AUTHENTICATIONFAILED] Invalid credentials", (await imap.ReadUntilTaggedAsync("a"))[^1]);
        await imap.SendAsync($"b LOGIN {{{fits.Length}+}}\r\n{fits} \"{Password}\"\r\n");
        Assert.Equal("b NO [AUTHENTICATIONFAILED] Invalid credentials", (await imap.ReadUntilTaggedAsync("b"))[^1]);

        Assert.DoesNotContain(tooLong, _log.Text);
        Assert.Contains(fits, _log.Text); // an ordinary unknown user, looked up and logged as such
    }
}
