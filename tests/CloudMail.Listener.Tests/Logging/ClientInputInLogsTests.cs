using System.Text;
using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Imap;
using CloudMail.Listener.Tests.Infrastructure;
using CloudMail.Listener.Tests.Pop3;
using CloudMail.Listener.Tests.Smtp;

namespace CloudMail.Listener.Tests.Logging;

/// <summary>A server of its own that logs everything into a capturing provider.</summary>
public sealed class LoggingServerFixture : IAsyncLifetime
{
    public const string Password = "correct horse battery";

    public TestServer Server { get; private set; } = null!;

    public CapturingLoggerProvider Logs { get; } = new();

    public string User { get; } = "logged@" + TestServer.Domain;

    public async Task InitializeAsync()
    {
        Server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Debug",
            ["Logging:Console:LogLevel:Default"] = "None",
        });
        Logs.AttachTo(Server);
        await Server.AddUserAsync(User, Password);
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>
/// Log forging: CR, LF and other line breaks or controls a client puts into a user name, an address or a mechanism
/// never reach a log message raw, on any protocol, so a client cannot write a line that looks like the server's own
/// (the kind fail2ban acts on). The values are still logged, escaped.
/// </summary>
public sealed class ClientInputInLogsTests(LoggingServerFixture fixture) : IClassFixture<LoggingServerFixture>
{
    /// <summary>What a client appends to a value to forge a line of its own.</summary>
    private const string Forged = "\r\n2024-01-01 12:00:00 warn: IMAP login of root@example.test from 203.0.113.9 refused";

    /// <summary>Events before this test (xunit runs one class's tests one after another, each on a new instance).</summary>
    private readonly int _before = fixture.Logs.Events.Count;

    private IEnumerable<CapturedLog> Logged => fixture.Logs.Events.Skip(_before);

    [Fact]
    public async Task An_IMAP_user_name_with_CRLF_sent_as_a_literal_is_refused_without_being_logged()
    {
        string user = "mallory-imap" + Forged;
        int length = Encoding.UTF8.GetByteCount(user);
        await using var c = await RawImapClient.ConnectAsync(fixture.Server, implicitTls: true);
        await c.ReadLineAsync();
        Assert.StartsWith("a NO", (await c.CommandAsync($"a LOGIN {{{length}+}}\r\n{user} \"wrong\"", "a"))[^1]);
        string plain = Convert.ToBase64String(Encoding.UTF8.GetBytes("\0mallory-sasl\r\n\u2028forged\0wrong"));
        Assert.StartsWith("b NO", (await c.CommandAsync($"b AUTHENTICATE PLAIN {plain}", "b"))[^1]);
        Assert.StartsWith("c OK", (await c.CommandAsync("c ID (\"name\" {9+}\r\nx\r\nforged)", "c"))[^1]);

        AssertNothingRaw();
        // Names with control characters are refused before lookup and logged only as "invalid user name".
        AssertNotLogged("mallory-imap");
        AssertNotLogged("mallory-sasl");
        Assert.Equal(2, Logged.Count(e => e.Message.Contains("invalid user name", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task POP3_user_names_with_CRLF_or_NEL_are_refused_without_being_logged()
    {
        await using var c = await Pop3LineClient.ConnectAsync(fixture.Server.Port(EndpointKind.Pop3s), implicitTls: true);
        string plain = Convert.ToBase64String(Encoding.UTF8.GetBytes("\0mallory-pop" + Forged + "\0wrong"));
        Assert.StartsWith("-ERR", await c.CommandAsync("AUTH PLAIN " + plain));
        Assert.StartsWith("+OK", await c.CommandAsync("USER mallory-nel\u0085forged"));
        Assert.StartsWith("-ERR", await c.CommandAsync("PASS wrong"));

        AssertNothingRaw();
        AssertNotLogged("mallory-pop");
        AssertNotLogged("mallory-nel");
        Assert.Equal(2, Logged.Count(e => e.Message.Contains("invalid user name", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task SMTP_envelope_addresses_with_line_separators_are_logged_escaped()
    {
        await using var c = await RawSmtpClient.ConnectAndEhloAsync(fixture.Server.Port(EndpointKind.Smtp));
        Assert.Equal(250, (await c.CommandAsync("MAIL FROM:<sender\u2028forged@remote.test> SMTPUTF8")).Code);
        Assert.Equal(550, (await c.CommandAsync("RCPT TO:<nobody\u0085forged@example.test>")).Code);
        Assert.Equal(250, (await c.CommandAsync($"RCPT TO:<{fixture.User}>")).Code);
        Assert.Equal(354, (await c.CommandAsync("DATA")).Code);
        Assert.Equal(250, (await c.CommandAsync("Subject: hi\r\n\r\nHello.\r\n.")).Code);

        AssertNothingRaw();
        AssertLogged(@"nobody\x85forged@example.test");
        AssertLogged(@"sender\u2028forged@remote.test");
    }

    /// <summary>No message and no structured value of this test holds a control character or a Unicode line break.</summary>
    private void AssertNothingRaw()
    {
        foreach (CapturedLog e in Logged)
        {
            Assert.False(HasRaw(e.Message), $"raw control character in: {e.Message}");
            foreach ((string name, string value) in e.Values) Assert.False(HasRaw(value), $"raw control character in {name} of: {e.Message}");
        }
    }

    private static bool HasRaw(string text) => text.Any(c => char.IsControl(c) || c is '\u2028' or '\u2029');

    private void AssertNotLogged(string text) =>
        Assert.DoesNotContain(Logged, e => e.Message.Contains(text, StringComparison.Ordinal) || e.Values.Any(v => v.Value.Contains(text, StringComparison.Ordinal)));

    private void AssertLogged(string escaped) =>
        Assert.Contains(Logged, e => e.Message.Contains(escaped, StringComparison.Ordinal));
}
