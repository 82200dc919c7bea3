using System.Text;
using CloudMail.Listener.Tests.Infrastructure;

namespace CloudMail.Listener.Tests.Imap;

/// <summary>Refusals that keep passwords and sessions safe, and input that must not hurt the server.</summary>
[Collection(ImapCollection.Name)]
public class ImapSecurityTests(ImapServerFixture fixture)
{
    [Fact]
    public async Task Login_before_starttls_is_refused_with_logindisabled_advertised()
    {
        string user = await fixture.NewUserAsync();
        await using var c = await RawImapClient.ConnectAsync(fixture.Server, implicitTls: false);
        string greeting = (await c.ReadLineAsync())!;
        Assert.Contains(" STARTTLS", greeting);
        Assert.Contains(" LOGINDISABLED", greeting);
        Assert.DoesNotContain("AUTH=PLAIN", greeting);
        Assert.Equal("a NO [PRIVACYREQUIRED] LOGIN is disabled until STARTTLS", (await c.CommandAsync($"a LOGIN {user} \"{ImapServerFixture.Password}\"", "a"))[^1]);
        Assert.StartsWith("b NO [PRIVACYREQUIRED]", (await c.CommandAsync("b AUTHENTICATE PLAIN AGEAYg==", "b"))[^1]);

        Assert.Equal(["c OK Begin TLS negotiation now"], await c.CommandAsync("c STARTTLS", "c"));
        await c.StartTlsAsync();
        var caps = await c.CommandAsync("d CAPABILITY", "d");
        Assert.Contains("AUTH=PLAIN", caps[0]);
        Assert.DoesNotContain("STARTTLS", caps[0]);
        Assert.DoesNotContain("LOGINDISABLED", caps[0]);
        Assert.StartsWith("e OK [CAPABILITY", (await c.CommandAsync($"e LOGIN {user} \"{ImapServerFixture.Password}\"", "e"))[^1]);
    }

    [Fact]
    public async Task Commands_pipelined_behind_starttls_are_discarded()
    {
        string user = await fixture.NewUserAsync();
        await using var c = await RawImapClient.ConnectAsync(fixture.Server, implicitTls: false);
        await c.ReadLineAsync();
        await c.SendAsync($"a STARTTLS\r\nb LOGIN {user} \"{ImapServerFixture.Password}\"\r\nc SELECT INBOX\r\n");
        Assert.Equal("a OK Begin TLS negotiation now", await c.ReadLineAsync());
        await c.StartTlsAsync();
        var reply = await c.CommandAsync("d NOOP", "d");
        Assert.Equal(["d OK NOOP completed"], reply);
        Assert.StartsWith("e BAD", (await c.CommandAsync("e SELECT INBOX", "e"))[^1]); // still not logged in
    }

    [Fact]
    public async Task Commands_in_the_wrong_state_are_refused_with_BAD()
    {
        string user = await fixture.NewUserAsync();
        await using var c = await RawImapClient.ConnectAsync(fixture.Server, implicitTls: true);
        await c.ReadLineAsync();
        Assert.Equal("a BAD [CLIENTBUG] SELECT is not valid in the not authenticated state", (await c.CommandAsync("a SELECT INBOX", "a"))[^1]);
        Assert.StartsWith("b BAD", (await c.CommandAsync("b FETCH 1 FLAGS", "b"))[^1]);
        Assert.StartsWith("c BAD", (await c.CommandAsync("c APPEND INBOX {3}", "c"))[^1]); // refused before the literal
        await c.CommandAsync($"d LOGIN {user} \"{ImapServerFixture.Password}\"", "d");
        Assert.StartsWith("e BAD", (await c.CommandAsync("e LOGIN again please", "e"))[^1]);
        Assert.StartsWith("f BAD", (await c.CommandAsync("f EXPUNGE", "f"))[^1]);
        Assert.StartsWith("g BAD", (await c.CommandAsync("g CLOSE", "g"))[^1]);
        Assert.StartsWith("h OK", (await c.CommandAsync("h SELECT INBOX", "h"))[^1]);
    }

    [Fact]
    public async Task Garbage_lines_get_BAD_and_the_connection_survives()
    {
        await using var c = await RawImapClient.ConnectAsync(fixture.Server, implicitTls: true);
        await c.ReadLineAsync();
        await c.SendAsync("hello world\r\n");
        Assert.Equal("hello BAD Unknown command", await c.ReadLineAsync());
        await c.SendAsync("* * *\r\n");
        Assert.Equal("* BAD Missing or invalid tag", await c.ReadLineAsync());
        await c.SendAsync([0x01, 0xff, 0xfe, (byte)'\r', (byte)'\n']);
        Assert.StartsWith("* BAD", await c.ReadLineAsync());
        await c.SendAsync("x FETCH (((\r\n");
        Assert.StartsWith("x BAD FETCH:", await c.ReadLineAsync());
        Assert.Equal(["y OK NOOP completed"], await c.CommandAsync("y NOOP", "y"));
    }

    [Fact]
    public async Task Too_long_command_line_is_refused_without_closing()
    {
        await using var c = await RawImapClient.ConnectAsync(fixture.Server, implicitTls: true);
        await c.ReadLineAsync();
        await c.SendAsync("a NOOP " + new string('x', 200_000) + "\r\n");
        Assert.Equal("a BAD [TOOBIG] Command line too long", await c.ReadLineAsync());
        Assert.Equal(["b OK NOOP completed"], await c.CommandAsync("b NOOP", "b"));
    }

    [Fact]
    public async Task A_list_pattern_of_a_thousand_stars_against_long_names_answers_promptly()
    {
        string user = await fixture.NewUserAsync();
        await using var c = await RawImapClient.LoginAsync(fixture.Server, user, ImapServerFixture.Password);
        // 40 mailboxes with 500-character names (and their 40 parents), created in one pipelined burst.
        var creates = new StringBuilder();
        for (int i = 0; i < 40; i++) creates.Append($"c{i} CREATE m{i:D2}/{new string('x', 496)}\r\n");
        await c.SendAsync(creates.ToString());
        for (int i = 0; i < 40; i++) Assert.StartsWith($"c{i} OK", (await c.ReadUntilTaggedAsync($"c{i}"))[^1]);

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var list = await c.CommandAsync($"l LIST \"\" {new string('*', 1000)}", "l");
        watch.Stop();

        Assert.Equal("l OK LIST completed", list[^1]);
        Assert.Equal(5 + 80, list.Count - 1);
        // Milliseconds when linear; a quadratic match takes minutes. The bound leaves room for a starved CPU.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"LIST took {watch.Elapsed}");
    }

    [Fact]
    public async Task An_empty_mailbox_name_is_a_mailbox_that_does_not_exist()
    {
        // Each of these once reached the store with "" and failed there: [SERVERBUG], or for APPEND the session dropped.
        var (_, c) = await fixture.NewRawLoginAsync();
        await using var _c = c;
        Assert.StartsWith("a NO [TRYCREATE]", (await c.CommandAsync("a APPEND \"\" {3+}\r\nabc", "a"))[^1]);
        foreach (string command in new[] { "SELECT \"\"", "EXAMINE \"\"", "STATUS \"\" (MESSAGES)", "DELETE \"\"", "DELETE \"/\"", "GETQUOTAROOT \"\"" })
        {
            string reply = (await c.CommandAsync("b " + command, "b"))[^1];
            Assert.StartsWith("b NO ", reply);
            Assert.DoesNotContain("SERVERBUG", reply, StringComparison.Ordinal);
        }
        await c.CommandAsync("s SELECT INBOX", "s");
        await c.SendAsync("p APPEND INBOX {3+}\r\nabc\r\n");
        await c.ReadUntilTaggedAsync("p");
        await c.CommandAsync("n NOOP", "n");
        foreach (string command in new[] { "COPY 1 \"\"", "MOVE 1 \"\"" })
            Assert.StartsWith("m NO [TRYCREATE]", (await c.CommandAsync("m " + command, "m"))[^1]);
        Assert.Equal("z OK NOOP completed", (await c.CommandAsync("z NOOP", "z"))[^1]);
    }

    [Fact]
    public async Task Too_many_errors_end_the_session_with_BYE()
    {
        await using var c = await RawImapClient.ConnectAsync(fixture.Server, implicitTls: true);
        await c.ReadLineAsync();
        var sb = new StringBuilder();
        for (int i = 0; i < 22; i++) sb.Append($"t{i} BOGUS\r\n");
        await c.SendAsync(sb.ToString());
        var lines = new List<string>();
        while (await c.ReadLineAsync() is { } line) lines.Add(line);
        Assert.Equal(20, lines.Count(l => l.Contains(" BAD ", StringComparison.Ordinal)));
        Assert.Equal("* BYE Too many errors", lines[^1]);
    }

    [Fact]
    public async Task Bad_commands_spread_between_good_ones_do_not_end_the_session()
    {
        // Runs of BADs count, as in Dovecot: a successful command in between starts the count again.
        await using var c = await RawImapClient.ConnectAsync(fixture.Server, implicitTls: true);
        await c.ReadLineAsync();
        for (int round = 0; round < 3; round++)
        {
            for (int i = 0; i < 9; i++) Assert.StartsWith($"b{i} BAD", (await c.CommandAsync($"b{i} BOGUS", $"b{i}"))[^1]);
            Assert.Equal("n OK NOOP completed", (await c.CommandAsync("n NOOP", "n"))[^1]);
        }
        Assert.StartsWith("c OK", (await c.CommandAsync("c CAPABILITY", "c"))[^1]);
    }

    [Fact]
    public async Task Literal_continuation_is_sent_only_for_synchronizing_literals()
    {
        await using var c = await RawImapClient.ConnectAsync(fixture.Server, implicitTls: true);
        await c.ReadLineAsync();
        await c.SendAsync("a ID (\"name\" {3+}\r\nfoo)\r\n");
        Assert.StartsWith("* ID", await c.ReadLineAsync());
        Assert.Equal("a OK ID completed", await c.ReadLineAsync());
        await c.SendAsync("b ID (\"name\" {3}\r\n");
        Assert.Equal("+ Ready for literal", await c.ReadLineAsync());
        await c.SendAsync("bar)\r\n");
        Assert.StartsWith("* ID", await c.ReadLineAsync());
        Assert.Equal("b OK ID completed", await c.ReadLineAsync());
    }

    [Fact]
    public async Task Wrong_password_is_throttled_and_then_even_the_right_one_is_refused_from_that_address()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["CloudMail:Auth:MaxFailuresPerAccountAddress"] = "3" });
        const string user = "victim@" + TestServer.Domain;
        await server.AddUserAsync(user, ImapServerFixture.Password);
        await using var c = await RawImapClient.ConnectAsync(server, implicitTls: true);
        await c.ReadLineAsync();
        for (int i = 0; i < 3; i++)
            Assert.Equal($"a{i} NO [AUTHENTICATIONFAILED] Invalid credentials", (await c.CommandAsync($"a{i} LOGIN {user} wrong-password", $"a{i}"))[^1]);
        Assert.Equal("b NO [UNAVAILABLE] Too many login attempts; try again later",
            (await c.CommandAsync($"b LOGIN {user} \"{ImapServerFixture.Password}\"", "b"))[^1]);
        string ir = Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{user}\0{ImapServerFixture.Password}"));
        Assert.StartsWith("c NO [UNAVAILABLE]", (await c.CommandAsync("c AUTHENTICATE PLAIN " + ir, "c"))[^1]);
    }

    [Fact]
    public async Task Parallel_logins_with_the_right_password_from_one_address_all_get_in()
    {
        // Account lookups answer slowly (as a remote directory does), so all eight logins are in flight together, more
        // than the limit lets be checked at once: the rest wait their turn instead of being refused as if they had
        // failed, and none waits the failure penalty (60 s here, far beyond a loaded machine's delays), as nothing failed.
        await using var server = await TestServer.StartAsync(
            new Dictionary<string, string?>
            {
                ["CloudMail:Auth:MaxFailuresPerAccountAddress"] = "3",
                ["CloudMail:Auth:FailureDelay"] = "00:01:00",
                ["CloudMail:Auth:MaxFailureDelay"] = "00:01:00",
            },
            services: s => SlowAccountLookups.Decorate(s, TimeSpan.FromMilliseconds(300)));
        const string user = "busy@" + TestServer.Domain;
        await server.AddUserAsync(user, ImapServerFixture.Password);
        var clients = new List<RawImapClient>();
        try
        {
            for (int i = 0; i < 8; i++)
            {
                var c = await RawImapClient.ConnectAsync(server, implicitTls: true);
                clients.Add(c);
                await c.ReadLineAsync();
            }
            var elapsed = System.Diagnostics.Stopwatch.StartNew();
            var logins = clients.Select(c => c.CommandAsync($"a LOGIN {user} \"{ImapServerFixture.Password}\"", "a")).ToList();
            foreach (var reply in await Task.WhenAll(logins)) Assert.StartsWith("a OK [CAPABILITY", reply[^1]);
            Assert.True(elapsed.Elapsed < TimeSpan.FromSeconds(30), $"parallel logins took {elapsed.Elapsed}: a penalty was applied");
        }
        finally
        {
            foreach (var c in clients) await c.DisposeAsync();
        }
    }

    [Fact]
    public async Task Idle_unauthenticated_connection_is_logged_out()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["CloudMail:Imap:UnauthenticatedTimeout"] = "00:00:01" });
        await using var c = await RawImapClient.ConnectAsync(server, implicitTls: true);
        await c.ReadLineAsync();
        Assert.Equal("* BYE Autologout; idle for too long", await c.ReadLineAsync());
        Assert.True(await c.IsClosedAsync());
    }

    [Fact]
    public async Task Insecure_auth_can_be_allowed_by_configuration()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["CloudMail:Imap:AllowInsecureAuth"] = "true" });
        const string user = "plain@" + TestServer.Domain;
        await server.AddUserAsync(user, ImapServerFixture.Password);
        await using var c = await RawImapClient.ConnectAsync(server, implicitTls: false);
        string greeting = (await c.ReadLineAsync())!;
        Assert.Contains("AUTH=PLAIN", greeting);
        Assert.DoesNotContain("LOGINDISABLED", greeting);
        Assert.StartsWith("a OK", (await c.CommandAsync($"a LOGIN {user} \"{ImapServerFixture.Password}\"", "a"))[^1]);
    }
}
