using System.Text;
using CloudMail.Core.Mailboxes;

namespace CloudMail.Listener.Tests.Imap;

/// <summary>Exact wire behaviour, checked line by line with a raw client.</summary>
[Collection(ImapCollection.Name)]
public class ImapProtocolTests(ImapServerFixture fixture)
{
    private async Task<(string User, RawImapClient Client)> LoginAsync()
    {
        string user = await fixture.NewUserAsync();
        return (user, await RawImapClient.LoginAsync(fixture.Server, user, ImapServerFixture.Password));
    }

    [Fact]
    public async Task Greeting_and_capability_on_993_advertise_auth_and_no_starttls()
    {
        await using var c = await RawImapClient.ConnectAsync(fixture.Server, implicitTls: true);
        string greeting = (await c.ReadLineAsync())!;
        Assert.StartsWith("* OK [CAPABILITY IMAP4rev1 ", greeting);
        var caps = await c.CommandAsync("a CAPABILITY", "a");
        string line = caps.Single(l => l.StartsWith("* CAPABILITY", StringComparison.Ordinal));
        foreach (string cap in new[] { "IMAP4rev1", "LITERAL+", "SASL-IR", "ID", "ENABLE", "IDLE", "NAMESPACE", "UIDPLUS", "UNSELECT", "CHILDREN", "SPECIAL-USE", "MOVE", "CONDSTORE", "AUTH=PLAIN" })
            Assert.Contains(" " + cap, line + " ");
        Assert.DoesNotContain("STARTTLS", line);
        Assert.DoesNotContain("LOGINDISABLED", line);
        Assert.Equal("a OK CAPABILITY completed", caps[^1]);
        Assert.StartsWith("b BAD", (await c.CommandAsync("b STARTTLS", "b"))[^1]);
    }

    [Fact]
    public async Task List_with_empty_pattern_returns_the_delimiter_and_namespace_is_personal_only()
    {
        var (_, c) = await LoginAsync();
        await using var _c = c;
        var list = await c.CommandAsync("l LIST \"\" \"\"", "l");
        Assert.Equal("* LIST (\\Noselect) \"/\" \"\"", list[0]);
        var ns = await c.CommandAsync("n NAMESPACE", "n");
        Assert.Equal("* NAMESPACE ((\"\" \"/\")) NIL NIL", ns[0]);
        var all = await c.CommandAsync("m LIST \"\" \"*\"", "m");
        Assert.Equal("* LIST (\\HasNoChildren) \"/\" INBOX", all[0]);
        Assert.Contains("* LIST (\\HasNoChildren \\Sent) \"/\" Sent", all);
        var special = await c.CommandAsync("s LIST (SPECIAL-USE) \"\" \"*\"", "s");
        Assert.Equal(5, special.Count); // Drafts, Junk, Sent, Trash + tagged OK
    }

    [Fact]
    public async Task List_wildcards_reference_and_missing_parents()
    {
        var (user, c) = await LoginAsync();
        await using var _c = c;
        Assert.Matches(@"^c1 OK \[MAILBOXID \(M[0-9a-f]{16}\)\] CREATE completed$", (await c.CommandAsync("c1 CREATE a/b/c/", "c1"))[^1]);
        Assert.StartsWith("c2 NO [ALREADYEXISTS]", (await c.CommandAsync("c2 CREATE a/b", "c2"))[^1]);
        Assert.StartsWith("d1 OK", (await c.CommandAsync("d1 DELETE a", "d1"))[^1]);
        var pct = await c.CommandAsync("l1 LIST \"\" %", "l1");
        Assert.Contains("* LIST (\\Noselect \\HasChildren) \"/\" a", pct);
        Assert.DoesNotContain(pct, l => l.EndsWith("a/b", StringComparison.Ordinal));
        var refd = await c.CommandAsync("l2 LIST a/ %", "l2");
        Assert.Equal("* LIST (\\HasChildren) \"/\" a/b", refd[0]);
        var star = await c.CommandAsync("l3 LIST \"\" a*", "l3");
        Assert.Equal(4, star.Count);
        Assert.StartsWith("d2 NO [CANNOT]", (await c.CommandAsync("d2 DELETE a", "d2"))[^1]);
        Assert.StartsWith("d3 NO [CANNOT]", (await c.CommandAsync("d3 DELETE inbox", "d3"))[^1]);
        Assert.StartsWith("d4 NO [NONEXISTENT]", (await c.CommandAsync("d4 DELETE nope", "d4"))[^1]);
        var inbox = await c.CommandAsync("l4 LIST \"\" inbox", "l4");
        Assert.Equal("* LIST (\\HasNoChildren) \"/\" INBOX", inbox[0]);
        Assert.Contains(await fixture.Server.Get<IMailboxIndex>().ListMailboxesAsync(user, CancellationToken.None), m => m.Name == "a/b/c");
    }

    [Fact]
    public async Task Mailbox_names_that_are_not_modified_utf7_get_no_not_bad_and_the_session_goes_on()
    {
        var (_, c) = await LoginAsync();
        await using var _c = c;
        for (int i = 0; i < 15; i++) // more than MaxErrors: a NO is not a protocol error and never ends the session
        {
            Assert.StartsWith($"c{i} NO ", (await c.CommandAsync($"c{i} CREATE a&b", $"c{i}"))[^1]);
            Assert.StartsWith($"s{i} NO ", (await c.CommandAsync($"s{i} SELECT &Jjo", $"s{i}"))[^1]);
        }
        Assert.Matches(@"^k OK \[MAILBOXID \(M[0-9a-f]{16}\)\] CREATE completed$", (await c.CommandAsync("k CREATE a!#$'+,-.;<=>?@^_`|~]b", "k"))[^1]);
        var list = await c.CommandAsync("l LIST \"\" *", "l");
        Assert.Contains("* LIST (\\HasNoChildren) \"/\" a!#$'+,-.;<=>?@^_`|~]b", list);
        Assert.Equal("l OK LIST completed", list[^1]);
    }

    [Fact]
    public async Task List_return_status_gives_a_status_line_after_each_selectable_mailbox()
    {
        var (user, c) = await LoginAsync();
        await using var _c = c;
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("one"));
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("two"), MessageFlags.Seen);
        Assert.Matches(@"^c OK \[MAILBOXID \(M[0-9a-f]{16}\)\] CREATE completed$", (await c.CommandAsync("c CREATE Parent/Child", "c"))[^1]);
        // RFC 5819 §2
        var list = await c.CommandAsync("l LIST \"\" (INBOX Parent*) RETURN (STATUS (MESSAGES UNSEEN))", "l");
        Assert.Equal(
            [
                "* LIST (\\HasNoChildren) \"/\" INBOX", "* STATUS INBOX (MESSAGES 2 UNSEEN 1)",
                "* LIST (\\HasChildren) \"/\" Parent", "* STATUS Parent (MESSAGES 0 UNSEEN 0)", // CREATE made the superior too
                "* LIST (\\HasNoChildren) \"/\" Parent/Child", "* STATUS Parent/Child (MESSAGES 0 UNSEEN 0)",
                "l OK LIST completed",
            ], list);
        Assert.StartsWith("m BAD", (await c.CommandAsync("m LIST \"\" * RETURN (STATUS (BOGUS))", "m"))[^1]);
        Assert.StartsWith("n BAD", (await c.CommandAsync("n LIST (STATUS (MESSAGES)) \"\" *", "n"))[^1]);
        string caps = (await c.CommandAsync("k CAPABILITY", "k"))[0];
        Assert.Contains(" LIST-STATUS", caps);
        Assert.Contains(" STATUS=SIZE", caps); // RFC 8438: STATUS (SIZE) is answered (Status_reports_counts)
        Assert.Contains($" APPENDLIMIT={fixture.Server.Get<Microsoft.Extensions.Options.IOptions<CloudMail.Listener.Imap.ImapOptions>>().Value.MaxLiteralSize}", caps);
    }

    [Fact]
    public async Task Status_appendlimit_names_the_limit_the_capability_advertises()
    {
        var (user, c) = await LoginAsync();
        await using var _c = c;
        long limit = fixture.Server.Get<Microsoft.Extensions.Options.IOptions<CloudMail.Listener.Imap.ImapOptions>>().Value.MaxLiteralSize;
        // RFC 7889 §3.2: the APPENDLIMIT status item, also as a LIST-STATUS return item (RFC 5819).
        Assert.Equal([$"* STATUS INBOX (APPENDLIMIT {limit} MESSAGES 0)", "s OK STATUS completed"],
            await c.CommandAsync("s STATUS INBOX (APPENDLIMIT MESSAGES)", "s"));
        Assert.Contains($"* STATUS Trash (APPENDLIMIT {limit})", await c.CommandAsync("l LIST \"\" Trash RETURN (STATUS (APPENDLIMIT))", "l"));

        // MailKit knows the limit from APPENDLIMIT=n and then asks STATUS with an empty list, which is answered as such.
        Assert.Equal(["* STATUS INBOX ()", "e OK STATUS completed"], await c.CommandAsync("e STATUS INBOX ()", "e"));
        using var client = await ImapTest.ConnectAsync(fixture.Server, user, ImapServerFixture.Password);
        await client.Inbox.StatusAsync(MailKit.StatusItems.AppendLimit);
        Assert.Equal((uint)limit, client.Inbox.AppendLimit);
    }

    [Fact]
    public async Task Lsub_returns_unsubscribed_parent_as_noselect_for_percent()
    {
        var (_, c) = await LoginAsync();
        await using var _c = c;
        await c.CommandAsync("c CREATE foo/bar", "c");
        await c.CommandAsync("s SUBSCRIBE foo/bar", "s");
        var pct = await c.CommandAsync("l LSUB \"\" f%", "l");
        Assert.Equal(["* LSUB (\\Noselect) \"/\" foo", "l OK LSUB completed"], pct);
        var star = await c.CommandAsync("m LSUB \"\" f*", "m");
        Assert.Equal(["* LSUB () \"/\" foo/bar", "m OK LSUB completed"], star);
        await c.CommandAsync("u UNSUBSCRIBE foo/bar", "u");
        Assert.Equal(["n OK LSUB completed"], await c.CommandAsync("n LSUB \"\" f*", "n"));
        Assert.Contains("* LSUB () \"/\" Sent", await c.CommandAsync("o LSUB \"\" *", "o"));
    }

    [Fact]
    public async Task Select_reports_mailbox_state_and_examine_is_read_only()
    {
        var (user, c) = await LoginAsync();
        await using var _c = c;
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("one"), MessageFlags.Seen);
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("two"));
        var info = (await fixture.Server.Get<IMailboxIndex>().GetMailboxAsync(user, "INBOX", CancellationToken.None))!;
        var select = await c.CommandAsync("s SELECT INBOX", "s");
        Assert.Equal("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)", select[0]);
        Assert.Contains("* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] Flags permitted", select);
        Assert.Contains("* 2 EXISTS", select);
        Assert.Contains("* 2 RECENT", select); // this session is the first to see both (RFC 3501 §2.3.2)
        Assert.Contains("* OK [UNSEEN 2] First unseen", select);
        Assert.Contains($"* OK [UIDVALIDITY {info.UidValidity}] UIDs valid", select);
        Assert.Contains($"* OK [UIDNEXT {info.UidNext}] Predicted next UID", select);
        Assert.Contains($"* OK [HIGHESTMODSEQ {info.HighestModSeq}] Highest", select);
        Assert.Equal("s OK [READ-WRITE] SELECT completed", select[^1]);
        var examine = await c.CommandAsync("e EXAMINE inbox", "e");
        Assert.Contains("* 0 RECENT", examine); // the SELECT above claimed them
        Assert.Contains("* OK [PERMANENTFLAGS ()] Flags permitted", examine);
        Assert.Equal("e OK [READ-ONLY] EXAMINE completed", examine[^1]);
        Assert.StartsWith("f NO", (await c.CommandAsync("f STORE 1 +FLAGS (\\Deleted)", "f"))[^1]);
        Assert.StartsWith("g NO [NONEXISTENT]", (await c.CommandAsync("g SELECT Missing", "g"))[^1]);
        Assert.StartsWith("h BAD", (await c.CommandAsync("h FETCH 1 FLAGS", "h"))[^1]); // failed SELECT leaves nothing selected
    }

    [Fact]
    public async Task A_message_is_recent_in_exactly_one_session_the_first_to_see_it()
    {
        var (user, a) = await LoginAsync();
        await using var _a = a;
        await using var b = await RawImapClient.LoginAsync(fixture.Server, user, ImapServerFixture.Password);
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("one"));
        Assert.Contains("* 1 RECENT", await a.CommandAsync("s SELECT INBOX", "s"));
        Assert.Contains("* 0 RECENT", await b.CommandAsync("s SELECT INBOX", "s"));
        Assert.Equal(["* SEARCH", "r OK SEARCH completed"], await b.CommandAsync("r SEARCH RECENT", "r"));
        Assert.Equal(["* SEARCH 1", "r OK SEARCH completed"], await a.CommandAsync("r SEARCH RECENT", "r"));
        // A new message goes to whichever selected session is told first: b here, so a sees it as not recent.
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("two"));
        Assert.Equal(["* 2 EXISTS", "* 1 RECENT", "n OK NOOP completed"], await b.CommandAsync("n NOOP", "n"));
        Assert.Equal(["* 2 EXISTS", "* 1 RECENT", "n OK NOOP completed"], await a.CommandAsync("n NOOP", "n"));
        Assert.Equal(["* 1 FETCH (FLAGS (\\Recent))", "* 2 FETCH (FLAGS ())", "f OK FETCH completed"], await a.CommandAsync("f FETCH 1:2 FLAGS", "f"));
        Assert.Equal(["* 1 FETCH (FLAGS ())", "* 2 FETCH (FLAGS (\\Recent))", "f OK FETCH completed"], await b.CommandAsync("f FETCH 1:2 FLAGS", "f"));
        Assert.Equal(["* SEARCH 2", "g OK SEARCH completed"], await b.CommandAsync("g SEARCH NEW", "g"));
        Assert.Equal(["* SEARCH 2", "h OK SEARCH completed"], await a.CommandAsync("h SEARCH OLD", "h"));
        Assert.StartsWith("t OK", (await b.CommandAsync("t STORE 1 +FLAGS (\\Recent)", "t"))[^1]); // ignored: clients cannot set it
    }

    [Fact]
    public async Task A_command_after_another_sessions_store_sees_the_new_flags_at_once()
    {
        var (user, a) = await LoginAsync();
        await using var _a = a;
        await using var b = await RawImapClient.LoginAsync(fixture.Server, user, ImapServerFixture.Password);
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("one"));
        await a.CommandAsync("s SELECT INBOX", "s");
        await b.CommandAsync("s SELECT INBOX", "s");
        await b.CommandAsync("t STORE 1 +FLAGS (\\Flagged $Work)", "t");
        // The new keyword is announced first (RFC 3501 §7.2.6), and no FETCH shows the flags as they were before b's STORE.
        var fetch = await a.CommandAsync("f FETCH 1 FLAGS", "f");
        Assert.StartsWith("* FLAGS (", fetch[0]);
        Assert.Contains("$Work", fetch[0]);
        Assert.All(fetch.Where(l => l.StartsWith("* 1 FETCH", StringComparison.Ordinal)), l => Assert.Matches(@"FLAGS \(\\Flagged( \\Recent)? \$Work\)", l));
        Assert.Equal("f OK FETCH completed", fetch[^1]);
        await b.CommandAsync("u STORE 1 -FLAGS (\\Flagged)", "u");
        // The change is reported before the SEARCH answer, which agrees with it: a client reading in order never holds a
        // result that contradicts the flags it was told.
        var search = await a.CommandAsync("g SEARCH FLAGGED", "g");
        Assert.Matches(@"^\* 1 FETCH \(FLAGS \((\\Recent )?\$Work\) UID 1\)$", search[0]);
        Assert.Equal(["* SEARCH", "g OK SEARCH completed"], search[1..]);
    }

    /// <summary>A logged-in session with INBOX selected, holding one delivered message per subject, every signal taken in.</summary>
    private async Task<(string User, RawImapClient Client)> SelectedInboxAsync(params string[] subjects)
    {
        var (user, a) = await LoginAsync();
        foreach (string subject in subjects) await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage(subject));
        await a.CommandAsync("s SELECT INBOX", "s");
        await a.CommandAsync("p NOOP", "p"); // takes in any signal the deliveries left
        return (user, a);
    }

    /// <summary>Sets \Answered on INBOX message <paramref name="uid"/> straight in the index, as another process would: no signal.</summary>
    private Task AnswerWithoutSignalAsync(string user, uint uid) =>
        fixture.Server.Get<IMailboxIndex>().UpdateFlagsAsync(user, "INBOX", [uid], new FlagUpdate(FlagUpdateMode.Add, MessageFlags.Answered, []), null,
            CancellationToken.None);

    [Fact]
    public async Task After_its_own_store_a_session_still_sees_a_change_made_without_a_signal()
    {
        // A session that merged its own STORE skips re-reading the index only when nothing else changed the mailbox since
        // its view was last current; a change made behind its back (another process, which sends no in-process signal)
        // must still reach it. Here the index is changed directly, then the session stores on another message.
        var (user, a) = await SelectedInboxAsync("one", "two");
        await using var _a = a;
        await AnswerWithoutSignalAsync(user, 1);
        var store = await a.CommandAsync("t UID STORE 2 +FLAGS (\\Flagged)", "t");
        var noop = await a.CommandAsync("n NOOP", "n");
        Assert.Contains(store.Concat(noop), l => l.StartsWith("* 1 FETCH (FLAGS (\\Answered", StringComparison.Ordinal));
        // And its own changes are not reported twice: a second NOOP is quiet.
        Assert.Equal(["m OK NOOP completed"], await a.CommandAsync("m NOOP", "m"));
        Assert.Equal(["* SEARCH 1 2", "f OK SEARCH completed"], await a.CommandAsync("f SEARCH OR ANSWERED FLAGGED", "f"));
    }

    [Fact]
    public async Task After_its_own_append_to_the_selected_mailbox_a_session_announces_it_once_and_still_sees_a_change_made_without_a_signal()
    {
        // A session that appends to its selected mailbox adds the stored message to its view without reading the index,
        // unless something else changed the mailbox in between: here a flag change written straight into the index (as
        // another process would, with no in-process signal) must still reach the session.
        var (user, a) = await SelectedInboxAsync("one");
        await using var _a = a;
        string two = ImapTest.TextMessage("two");

        var own = await a.CommandAsync($"a APPEND INBOX (\\Seen) {{{two.Length}+}}\r\n{two}", "a");

        Assert.Equal("* 2 EXISTS", own[0]);
        Assert.StartsWith("a OK [APPENDUID", own[^1]);
        Assert.Equal(["m OK NOOP completed"], await a.CommandAsync("m NOOP", "m")); // not announced twice
        Assert.Equal(["* 2 FETCH (FLAGS (\\Seen \\Recent))", "f OK FETCH completed"], await a.CommandAsync("f FETCH 2 FLAGS", "f"));

        await AnswerWithoutSignalAsync(user, 1);
        string three = ImapTest.TextMessage("three");
        var after = await a.CommandAsync($"b APPEND INBOX {{{three.Length}+}}\r\n{three}", "b");
        var noop = await a.CommandAsync("n NOOP", "n");

        Assert.Contains(after.Concat(noop), l => l.StartsWith("* 1 FETCH (FLAGS (\\Answered", StringComparison.Ordinal));
        Assert.Contains("* 3 EXISTS", after.Concat(noop));
        Assert.Equal(["* SEARCH 1 2 3", "g OK SEARCH completed"], await a.CommandAsync("g SEARCH ALL", "g"));
    }

    [Fact]
    public async Task Status_reports_counts()
    {
        var (user, c) = await LoginAsync();
        await using var _c = c;
        string raw = ImapTest.TextMessage("s");
        await ImapTest.DeliverAsync(fixture.Server, user, "Junk", raw);
        var info = (await fixture.Server.Get<IMailboxIndex>().GetMailboxAsync(user, "Junk", CancellationToken.None))!;
        var status = await c.CommandAsync("s STATUS Junk (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN SIZE)", "s");
        Assert.Equal($"* STATUS Junk (MESSAGES 1 RECENT 1 UIDNEXT {info.UidNext} UIDVALIDITY {info.UidValidity} UNSEEN 1 SIZE {Encoding.UTF8.GetByteCount(raw)})", status[0]);
        Assert.Contains("* 1 RECENT", await c.CommandAsync("x SELECT Junk", "x"));
        Assert.Equal("* STATUS Junk (RECENT 0)", (await c.CommandAsync("y STATUS Junk (RECENT)", "y"))[0]);
        Assert.StartsWith("t NO [NONEXISTENT]", (await c.CommandAsync("t STATUS Nope (MESSAGES)", "t"))[^1]);
    }

    [Fact]
    public async Task Append_with_synchronizing_literal_gets_a_continuation_and_appenduid()
    {
        var (user, c) = await LoginAsync();
        await using var _c = c;
        byte[] message = Encoding.ASCII.GetBytes("Subject: sync\r\n\r\nbody\r\n");
        await c.SendAsync($"a APPEND INBOX (\\Seen) \"05-Feb-2024 10:00:00 +0000\" {{{message.Length}}}\r\n");
        Assert.Equal("+ Ready for literal", await c.ReadLineAsync());
        await c.SendAsync([.. message, .. "\r\n"u8.ToArray()]);
        var reply = await c.ReadUntilTaggedAsync("a");
        var info = (await fixture.Server.Get<IMailboxIndex>().GetMailboxAsync(user, "INBOX", CancellationToken.None))!;
        Assert.Equal($"a OK [APPENDUID {info.UidValidity} 1] APPEND completed", reply[^1]);
        var stored = (await fixture.Server.Get<IMailboxIndex>().GetMessagesAsync(user, "INBOX", CancellationToken.None)).Single();
        Assert.Equal((MessageFlags.Seen, message.Length), (stored.Flags, (int)stored.Size));
        Assert.Equal(new DateTimeOffset(2024, 2, 5, 10, 0, 0, TimeSpan.Zero), stored.InternalDate);
    }

    [Fact]
    public async Task Append_with_a_literal8_stores_binary_content_and_binary_is_advertised()
    {
        var (user, c) = await LoginAsync();
        await using var _c = c;
        Assert.Contains(" BINARY", (await c.CommandAsync("k CAPABILITY", "k"))[0]);
        byte[] message = [.. "Subject: bin\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n\r\n"u8, 0, 1, 2, 0, 255, .. "\r\n"u8];
        await c.SendAsync($"a APPEND INBOX ~{{{message.Length}+}}\r\n");
        await c.SendAsync([.. message, .. "\r\n"u8]);
        Assert.StartsWith("a OK [APPENDUID ", (await c.ReadUntilTaggedAsync("a"))[^1]);
        await c.CommandAsync("s SELECT INBOX", "s");
        Assert.Equal([$"* 1 FETCH (RFC822.SIZE {message.Length})", "f OK FETCH completed"], await c.CommandAsync("f FETCH 1 RFC822.SIZE", "f"));
    }

    [Fact]
    public async Task Append_with_literal_plus_needs_no_continuation()
    {
        var (user, c) = await LoginAsync();
        await using var _c = c;
        const string message = "Subject: plus\r\n\r\nbody";
        await c.SendAsync($"a APPEND Drafts {{{message.Length}+}}\r\n{message}\r\n");
        var reply = await c.ReadUntilTaggedAsync("a");
        Assert.Single(reply);
        Assert.StartsWith("a OK [APPENDUID ", reply[0]);
        Assert.Single(await fixture.Server.Get<IMailboxIndex>().GetMessagesAsync(user, "Drafts", CancellationToken.None));
    }

    [Fact]
    public async Task Append_to_a_missing_mailbox_is_refused_with_trycreate_before_the_literal()
    {
        var (_, c) = await LoginAsync();
        await using var _c = c;
        var reply = await c.CommandAsync("a APPEND Nowhere {5}", "a");
        Assert.Equal(["a NO [TRYCREATE] No such mailbox"], reply);
        Assert.Equal(["b OK NOOP completed"], await c.CommandAsync("b NOOP", "b"));
    }

    [Fact]
    public async Task Refused_literal_plus_append_is_skipped_and_the_next_command_runs()
    {
        var (_, c) = await LoginAsync();
        await using var _c = c;
        await c.SendAsync("a APPEND Nowhere {10+}\r\nb NOOP\r\nxx\r\nc NOOP\r\n");
        Assert.Equal("a NO [TRYCREATE] No such mailbox", await c.ReadLineAsync());
        Assert.Equal("c OK NOOP completed", await c.ReadLineAsync()); // "b NOOP" was literal data, never a command
    }

    [Fact]
    public async Task Append_with_a_malformed_tail_stores_nothing()
    {
        var (user, c) = await LoginAsync();
        await using var _c = c;
        await c.SendAsync("a APPEND INBOX {5+}\r\nhello trailing-garbage\r\n");
        Assert.StartsWith("a BAD APPEND:", await c.ReadLineAsync());
        Assert.Equal(["b OK NOOP completed"], await c.CommandAsync("b NOOP", "b"));
        Assert.Empty(await fixture.Server.Get<IMailboxIndex>().GetMessagesAsync(user, "INBOX", CancellationToken.None));
    }

    [Fact]
    public async Task Oversized_append_is_refused_with_toobig_and_the_connection_stays_usable()
    {
        var (_, c) = await LoginAsync();
        await using var _c = c;
        var reply = await c.CommandAsync("a APPEND INBOX {999999999}", "a");
        Assert.Equal(["a NO [TOOBIG] Message too large"], reply);
        Assert.Equal(["b OK NOOP completed"], await c.CommandAsync("b NOOP", "b"));
    }

    [Fact]
    public async Task Body_sections_partials_and_header_fields_are_exact()
    {
        var (user, c) = await LoginAsync();
        await using var _c = c;
        string raw = "From: a@remote.test\r\nSubject: Sections\r\nX-Folded: one\r\n two\r\nContent-Type: multipart/alternative; boundary=zz\r\n\r\n"
            + "--zz\r\nContent-Type: text/plain\r\n\r\nplain text\r\n--zz\r\nContent-Type: message/rfc822\r\n\r\nSubject: inner\r\nFrom: in@remote.test\r\n\r\ninner body\r\n--zz--\r\n";
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", raw);
        await c.CommandAsync("s SELECT INBOX", "s");

        async Task<(string Line, string Data)> Fetch(string items, string tag)
        {
            await c.SendAsync($"{tag} FETCH 1 {items}\r\n");
            string line = (await c.ReadLineAsync())!;
            int open = line.LastIndexOf('{');
            string data = open > 0 && line.EndsWith('}') ? Encoding.UTF8.GetString(await c.ReadBytesAsync(int.Parse(line[(open + 1)..^1]))) : "";
            string rest = (await c.ReadUntilTaggedAsync(tag))[0];
            return (line + "|" + rest, data);
        }

        Assert.Equal(raw, (await Fetch("BODY.PEEK[]", "f1")).Data);
        Assert.Equal("plain text", (await Fetch("BODY.PEEK[1]", "f2")).Data);
        Assert.Equal("Content-Type: text/plain\r\n\r\n", (await Fetch("BODY.PEEK[1.MIME]", "f3")).Data);
        Assert.Equal("Subject: inner\r\nFrom: in@remote.test\r\n\r\n", (await Fetch("BODY.PEEK[2.HEADER]", "f4")).Data);
        Assert.Equal("inner body", (await Fetch("BODY.PEEK[2.TEXT]", "f5")).Data);
        Assert.Equal("inner body", (await Fetch("BODY.PEEK[2.1]", "f6")).Data);
        var fields = await Fetch("BODY.PEEK[HEADER.FIELDS (subject X-FOLDED)]", "f7");
        Assert.StartsWith("* 1 FETCH (BODY[HEADER.FIELDS (subject X-FOLDED)] {", fields.Line);
        Assert.Equal("Subject: Sections\r\nX-Folded: one\r\n two\r\n\r\n", fields.Data);
        Assert.Equal("From: a@remote.test\r\n\r\n", (await Fetch("BODY.PEEK[HEADER.FIELDS.NOT (Subject X-Folded Content-Type)]", "f8")).Data);
        var partial = await Fetch("BODY.PEEK[]<6.10>", "f9");
        Assert.StartsWith("* 1 FETCH (BODY[]<6> {10}", partial.Line);
        Assert.Equal(raw.Substring(6, 10), partial.Data);
        Assert.Contains("BODY[]<100000> \"\"", (await Fetch("BODY.PEEK[]<100000.5>", "g1")).Line);
        Assert.Contains("BODY[9] NIL", (await Fetch("BODY.PEEK[9]", "g2")).Line);
        var header = await Fetch("RFC822.HEADER", "g3");
        Assert.Equal(raw[..raw.IndexOf("\r\n\r\n", StringComparison.Ordinal)] + "\r\n\r\n", header.Data);
        Assert.Contains("BINARY.SIZE[1] 10", (await Fetch("BINARY.SIZE[1]", "g4")).Line);
    }

    [Fact]
    public async Task Fetching_body_without_peek_sets_seen_and_reports_flags()
    {
        var (user, c) = await LoginAsync();
        await using var _c = c;
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("peek"));
        await c.CommandAsync("s SELECT INBOX", "s");
        var peek = await c.CommandAsync("p FETCH 1 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])", "p");
        Assert.DoesNotContain(peek, l => l.Contains("\\Seen", StringComparison.Ordinal));
        Assert.Equal(MessageFlags.None, (await fixture.Server.Get<IMailboxIndex>().GetMessagesAsync(user, "INBOX", CancellationToken.None)).Single().Flags);
        var read = await c.CommandAsync("r UID FETCH 1:* (BODY[TEXT])", "r");
        Assert.StartsWith("* 1 FETCH (UID 1 BODY[TEXT] {", read[0]);
        Assert.Contains(read, l => l.EndsWith(" FLAGS (\\Seen \\Recent))", StringComparison.Ordinal));
        Assert.Equal(MessageFlags.Seen, (await fixture.Server.Get<IMailboxIndex>().GetMessagesAsync(user, "INBOX", CancellationToken.None)).Single().Flags);
    }

    [Fact]
    public async Task A_keyword_set_by_another_session_is_announced_with_flags_before_the_fetch_that_shows_it()
    {
        var (user, a) = await LoginAsync();
        await using var _a = a;
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("first"));
        await a.CommandAsync("s SELECT INBOX", "s");
        await using (var b = await RawImapClient.LoginAsync(fixture.Server, user, ImapServerFixture.Password))
        {
            await b.CommandAsync("s SELECT INBOX", "s");
            await b.CommandAsync("k STORE 1 +FLAGS.SILENT ($Label1)", "k");
        }
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("second"), keywords: ["$Label2"]);
        var noop = await a.CommandAsync("n NOOP", "n");
        int flags = noop.FindIndex(l => l.StartsWith("* FLAGS ", StringComparison.Ordinal));
        Assert.True(flags >= 0, string.Join(" | ", noop));
        Assert.Equal("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Label1 $Label2)", noop[flags]);
        Assert.StartsWith("* OK [PERMANENTFLAGS ", noop[flags + 1]);
        Assert.True(flags < noop.FindIndex(l => l.Contains("FETCH", StringComparison.Ordinal)));
        Assert.Contains("* 2 EXISTS", noop);
        Assert.Contains("* 1 FETCH (FLAGS (\\Recent $Label1) UID 1)", noop);
        Assert.Contains("* 2 RECENT", noop);
        // Announced once: a later command repeats nothing.
        Assert.Equal(["m OK NOOP completed"], await a.CommandAsync("m NOOP", "m"));
    }

    [Fact]
    public async Task Expunge_from_another_session_is_not_reported_during_fetch_but_at_noop()
    {
        var (user, a) = await LoginAsync();
        await using var _a = a;
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("first"));
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("second"));
        await a.CommandAsync("s SELECT INBOX", "s");
        await using (var b = await RawImapClient.LoginAsync(fixture.Server, user, ImapServerFixture.Password))
        {
            await b.CommandAsync("s SELECT INBOX", "s");
            await b.CommandAsync("d STORE 1 +FLAGS.SILENT (\\Deleted)", "d");
            Assert.Contains("* 1 EXPUNGE", await b.CommandAsync("x EXPUNGE", "x"));
        }
        var fetch = await a.CommandAsync("f FETCH 1:* (UID)", "f");
        Assert.DoesNotContain(fetch, l => l.EndsWith("EXPUNGE", StringComparison.Ordinal));
        Assert.Contains("* 1 FETCH (UID 1)", fetch);
        Assert.Contains("* 2 FETCH (UID 2)", fetch);
        var noop = await a.CommandAsync("n NOOP", "n");
        Assert.Equal(["* 1 EXPUNGE", "n OK NOOP completed"], noop);
        Assert.Equal(["* 1 FETCH (UID 2)", "g OK FETCH completed"], await a.CommandAsync("g FETCH 1:* (UID)", "g"));
    }

    [Fact]
    public async Task New_mail_is_announced_with_exists_after_a_command()
    {
        var (user, c) = await LoginAsync();
        await using var _c = c;
        await c.CommandAsync("s SELECT INBOX", "s");
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("new"));
        Assert.Equal(["* 1 EXISTS", "* 1 RECENT", "n OK NOOP completed"], await c.CommandAsync("n NOOP", "n"));
    }

    [Fact]
    public async Task Store_reports_flags_and_silent_does_not()
    {
        var (user, c) = await LoginAsync();
        await using var _c = c;
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("st"));
        await c.CommandAsync("s SELECT INBOX", "s");
        // RFC 3501 §7.2.6: the new keyword is announced with FLAGS (and in PERMANENTFLAGS) before a FETCH shows it.
        Assert.Equal(
            [
                "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Work)",
                "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Work \\*)] Flags permitted",
                "* 1 FETCH (FLAGS (\\Flagged \\Recent $Work) UID 1)", "a OK STORE completed",
            ],
            await c.CommandAsync("a STORE 1 +FLAGS (\\Flagged $Work)", "a"));
        Assert.Equal(["b OK UID STORE completed"], await c.CommandAsync("b UID STORE 1 -FLAGS.SILENT (\\Flagged)", "b"));
        Assert.Equal(["* 1 FETCH (FLAGS (\\Recent $Work))", "c OK FETCH completed"], await c.CommandAsync("c FETCH 1 FLAGS", "c"));
        Assert.StartsWith("d BAD", (await c.CommandAsync("d STORE 1 +FLAGS (\\Bogus)", "d"))[^1]);
        Assert.StartsWith("e BAD", (await c.CommandAsync("e STORE 7 +FLAGS (\\Seen)", "e"))[^1]);
    }

    [Fact]
    public async Task Condstore_reports_modseq_and_unchangedsince_conflicts()
    {
        var (user, c) = await LoginAsync();
        await using var _c = c;
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("m1"));
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("m2"));
        Assert.Equal(["* ENABLED CONDSTORE", "e OK ENABLE completed"], await c.CommandAsync("e ENABLE CONDSTORE", "e"));
        await c.CommandAsync("s SELECT INBOX", "s");
        var records = await fixture.Server.Get<IMailboxIndex>().GetMessagesAsync(user, "INBOX", CancellationToken.None);
        var f = await c.CommandAsync("f FETCH 1:* (MODSEQ)", "f");
        Assert.Equal($"* 1 FETCH (MODSEQ ({records[0].ModSeq}))", f[0]);
        var changed = await c.CommandAsync($"g FETCH 1:* (FLAGS) (CHANGEDSINCE {records[0].ModSeq})", "g");
        Assert.Equal(2, changed.Count);
        Assert.StartsWith("* 2 FETCH (FLAGS (\\Recent) MODSEQ (", changed[0]);
        await c.CommandAsync("h STORE 2 +FLAGS.SILENT (\\Seen)", "h");
        var conflict = await c.CommandAsync($"i STORE 1:2 (UNCHANGEDSINCE {records[1].ModSeq}) +FLAGS (\\Flagged)", "i");
        Assert.Equal("i OK [MODIFIED 2] Conditional STORE failed for some messages", conflict[^1]);
        var search = await c.CommandAsync($"j SEARCH MODSEQ {records[1].ModSeq + 1}", "j");
        Assert.Matches(@"^\* SEARCH 1 2 \(MODSEQ \d+\)$", search[0]);
    }

    [Fact]
    public async Task Search_from_to_cc_match_addresses_written_with_comments_and_folding()
    {
        var (user, c) = await LoginAsync();
        await using var _c = c;
        string message = "From: \"Ann Smith\" <ann (work) @ example.test>\r\n" +
                         "To: Bob <bob\r\n @example.test>, carol@example.test (Carol C)\r\n" +
                         "Cc: team: dave@\r\n example.test;\r\n" +
                         "Subject: addresses\r\nDate: Mon, 01 Jan 2024 10:00:00 +0000\r\n\r\nbody\r\n";
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", message);
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("other", to: "zed@example.test"));
        await c.CommandAsync("s SELECT INBOX", "s");
        Assert.Equal(["* SEARCH 1", "a OK SEARCH completed"], await c.CommandAsync("a SEARCH FROM ann@example.test", "a"));
        Assert.Equal(["* SEARCH 1", "b OK SEARCH completed"], await c.CommandAsync("b SEARCH FROM \"Ann Smith <ann@example.test>\"", "b"));
        Assert.Equal(["* SEARCH 1", "c OK SEARCH completed"], await c.CommandAsync("c SEARCH TO bob@example.test", "c"));
        Assert.Equal(["* SEARCH 1", "d OK SEARCH completed"], await c.CommandAsync("d SEARCH CC dave@example.test", "d"));
        Assert.Equal(["* SEARCH 1", "e OK SEARCH completed"], await c.CommandAsync("e SEARCH HEADER To bob@example.test", "e"));
        Assert.Equal(["* SEARCH", "f OK SEARCH completed"], await c.CommandAsync("f SEARCH FROM eve@example.test", "f"));
        Assert.Equal(["* SEARCH 2", "g OK SEARCH completed"], await c.CommandAsync("g SEARCH FROM alice@remote.test", "g"));
    }

    [Fact]
    public async Task Search_header_matches_the_top_level_content_fields_too()
    {
        var (user, c) = await LoginAsync();
        await using var _c = c;
        string multipart = "From: a@example.test\r\nTo: b@example.test\r\nSubject: parts\r\nMIME-Version: 1.0\r\n" +
                           "Content-Type: multipart/mixed; boundary=\"XYZ\"\r\nContent-Language: de\r\n\r\n" +
                           "--XYZ\r\nContent-Type: text/plain\r\n\r\nhello\r\n--XYZ--\r\n";
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", multipart);
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("plain"));
        await c.CommandAsync("s SELECT INBOX", "s");
        // RFC 3501 §6.4.4 HEADER: any field of the message's header, Content-* included (MimeKit keeps those on the body).
        Assert.Equal(["* SEARCH 1", "a OK SEARCH completed"], await c.CommandAsync("a SEARCH HEADER Content-Type multipart/mixed", "a"));
        Assert.Equal(["* SEARCH 1", "b OK SEARCH completed"], await c.CommandAsync("b SEARCH HEADER Content-Language \"\"", "b"));
        Assert.Equal(["* SEARCH 1", "c OK SEARCH completed"], await c.CommandAsync("c SEARCH HEADER MIME-Version 1.0 HEADER Content-Type XYZ", "c"));
    }

    [Fact]
    public async Task Esearch_returns_min_max_count_all_and_save_keeps_the_result_for_dollar()
    {
        var (user, c) = await LoginAsync();
        await using var _c = c;
        for (int i = 1; i <= 5; i++)
            await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("m" + i), i is 2 or 3 or 5 ? MessageFlags.Flagged : MessageFlags.None);
        await c.CommandAsync("s SELECT INBOX", "s");
        // RFC 4731 §3.1
        Assert.Equal(["* ESEARCH (TAG \"a\") MIN 2 MAX 5 COUNT 3", "a OK SEARCH completed"], await c.CommandAsync("a SEARCH RETURN (MIN MAX COUNT) FLAGGED", "a"));
        Assert.Equal(["* ESEARCH (TAG \"b\") UID ALL 2:3,5", "b OK UID SEARCH completed"], await c.CommandAsync("b UID SEARCH RETURN () FLAGGED", "b"));
        Assert.Equal(["* ESEARCH (TAG \"c\") COUNT 0", "c OK SEARCH completed"], await c.CommandAsync("c SEARCH RETURN (MIN COUNT ALL) KEYWORD $Nothing", "c"));
        Assert.StartsWith("d BAD", (await c.CommandAsync("d SEARCH RETURN (BOGUS) ALL", "d"))[^1]);
        // RFC 5182: SAVE alone answers nothing; "$" is the saved set in later commands.
        Assert.Equal(["e OK SEARCH completed"], await c.CommandAsync("e SEARCH RETURN (SAVE) FLAGGED", "e"));
        Assert.Equal(["* 2 FETCH (UID 2)", "* 3 FETCH (UID 3)", "* 5 FETCH (UID 5)", "f OK FETCH completed"], await c.CommandAsync("f FETCH $ (UID)", "f"));
        Assert.Equal(["* SEARCH 3", "g OK SEARCH completed"], await c.CommandAsync("g SEARCH $ 3:4", "g"));
        var caps = await c.CommandAsync("h CAPABILITY", "h");
        Assert.Contains(" ESEARCH ", caps[0] + " ");
        Assert.Contains(" SEARCHRES", caps[0]);
    }

    [Fact]
    public async Task Search_handles_charset_sequence_sets_and_not_or()
    {
        var (user, c) = await LoginAsync();
        await using var _c = c;
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("Grüße aus Köln", body: "Überraschung"));
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("plain", body: "nothing"), MessageFlags.Answered);
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("third"), MessageFlags.Deleted);
        await c.CommandAsync("s SELECT INBOX", "s");
        byte[] word = Encoding.UTF8.GetBytes("köln");
        await c.SendAsync($"a SEARCH CHARSET UTF-8 SUBJECT {{{word.Length}+}}\r\n");
        await c.SendAsync([.. word, .. "\r\n"u8.ToArray()]);
        Assert.Equal(["* SEARCH 1", "a OK SEARCH completed"], await c.ReadUntilTaggedAsync("a"));
        Assert.Equal(["* SEARCH 2 3", "b OK SEARCH completed"], await c.CommandAsync("b SEARCH 2:*", "b"));
        Assert.Equal(["* SEARCH 1 3", "d OK SEARCH completed"], await c.CommandAsync("d SEARCH NOT ANSWERED", "d"));
        Assert.Equal(["* SEARCH 2 3", "e OK SEARCH completed"], await c.CommandAsync("e SEARCH OR ANSWERED DELETED", "e"));
        Assert.Equal(["* SEARCH 3", "f OK UID SEARCH completed"], await c.CommandAsync("f UID SEARCH UID 3:* UNANSWERED", "f"));
        Assert.Equal(["* SEARCH 1 2 3", "g OK SEARCH completed"], await c.CommandAsync("g SEARCH NEW", "g"));
        Assert.Equal(["* SEARCH", "h OK SEARCH completed"], await c.CommandAsync("h SEARCH OLD", "h"));
        Assert.Equal("i NO [BADCHARSET (UTF-8 US-ASCII)] Unsupported charset", (await c.CommandAsync("i SEARCH CHARSET KOI8-R ALL", "i"))[^1]);
        Assert.Equal(["* SEARCH 1", "j OK SEARCH completed"], await c.CommandAsync("j SEARCH BODY \"berrasch\"", "j"));
        Assert.Equal(["* SEARCH 1 2 3", "k OK SEARCH completed"], await c.CommandAsync("k SEARCH HEADER Message-ID \"\"", "k"));

        // RFC 3501 §6.4.8: only "*" means the largest UID; 4294967295 is a number above every UID here.
        Assert.Equal(["* SEARCH", "l OK UID SEARCH completed"], await c.CommandAsync("l UID SEARCH UID 4:4294967295", "l"));
        Assert.Equal(["* SEARCH 3", "m OK UID SEARCH completed"], await c.CommandAsync("m UID SEARCH UID 4:*", "m"));
    }

    [Fact]
    public async Task Close_expunges_deleted_silently_and_unselect_does_not()
    {
        var (user, c) = await LoginAsync();
        await using var _c = c;
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("keep"), MessageFlags.Deleted);
        await c.CommandAsync("s SELECT INBOX", "s");
        Assert.Equal(["u OK UNSELECT completed"], await c.CommandAsync("u UNSELECT", "u"));
        Assert.Single(await fixture.Server.Get<IMailboxIndex>().GetMessagesAsync(user, "INBOX", CancellationToken.None));
        await c.CommandAsync("t SELECT INBOX", "t");
        Assert.Equal(["c OK CLOSE completed"], await c.CommandAsync("c CLOSE", "c"));
        Assert.Empty(await fixture.Server.Get<IMailboxIndex>().GetMessagesAsync(user, "INBOX", CancellationToken.None));
        Assert.StartsWith("d BAD", (await c.CommandAsync("d FETCH 1 FLAGS", "d"))[^1]);
    }

    [Fact]
    public async Task Uid_expunge_takes_ranges_in_any_order_star_and_the_saved_result()
    {
        var (user, c) = await LoginAsync();
        await using var _c = c;
        for (int i = 0; i < 6; i++)
            await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("m" + i), i == 1 ? MessageFlags.None : MessageFlags.Deleted);
        await c.CommandAsync("s SELECT INBOX", "s");
        // 3:1 and 2 overlap (UID 2 is not \Deleted and stays); * is UID 6; 4 and 5 are outside the set; numbers shift as they go.
        Assert.Equal(["* 1 EXPUNGE", "* 2 EXPUNGE", "* 4 EXPUNGE", "x OK UID EXPUNGE completed"], await c.CommandAsync("x UID EXPUNGE 3:1,2,*", "x"));
        // RFC 5182: "$" is the saved search result (UIDs 4 and 5 now at 2 and 3).
        await c.CommandAsync("r UID SEARCH RETURN (SAVE) UID 5", "r");
        Assert.Equal(["* 3 EXPUNGE", "y OK UID EXPUNGE completed"], await c.CommandAsync("y UID EXPUNGE $", "y"));
        Assert.Equal(["* 1 FETCH (UID 2)", "* 2 FETCH (UID 4)", "f OK FETCH completed"], await c.CommandAsync("f FETCH 1:* (UID)", "f"));
    }

    [Fact]
    public async Task Uid_expunge_removes_only_the_given_uids_and_move_reports_copyuid()
    {
        var (user, c) = await LoginAsync();
        await using var _c = c;
        for (int i = 0; i < 3; i++) await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("m" + i), MessageFlags.Deleted);
        await c.CommandAsync("s SELECT INBOX", "s");
        Assert.Equal(["* 2 EXPUNGE", "x OK UID EXPUNGE completed"], await c.CommandAsync("x UID EXPUNGE 2", "x"));
        var trash = (await fixture.Server.Get<IMailboxIndex>().GetMailboxAsync(user, "Trash", CancellationToken.None))!;
        var move = await c.CommandAsync("m UID MOVE 1:3 Trash", "m");
        Assert.Equal([$"* OK [COPYUID {trash.UidValidity} 1,3 1:2] Moved", "* 1 EXPUNGE", "* 1 EXPUNGE", "m OK UID MOVE completed"], move);
        Assert.Equal("n NO [TRYCREATE] No such mailbox", (await c.CommandAsync("n UID COPY 1 Nowhere", "n"))[^1]);
        Assert.StartsWith("o BAD", (await c.CommandAsync("o COPY 1 Trash", "o"))[^1]); // the mailbox is empty now
    }

    [Fact]
    public async Task Authenticate_plain_with_continuation_and_cancel()
    {
        string user = await fixture.NewUserAsync();
        await using var c = await RawImapClient.ConnectAsync(fixture.Server, implicitTls: true);
        await c.ReadLineAsync();
        await c.SendAsync("a AUTHENTICATE PLAIN\r\n");
        Assert.Equal("+ ", await c.ReadLineAsync());
        await c.SendAsync("*\r\n");
        Assert.Equal("a BAD Authentication cancelled", await c.ReadLineAsync());
        await c.SendAsync("b AUTHENTICATE PLAIN\r\n");
        Assert.Equal("+ ", await c.ReadLineAsync());
        await c.SendAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{user}\0{ImapServerFixture.Password}")) + "\r\n");
        Assert.StartsWith("b OK [CAPABILITY IMAP4rev1", await c.ReadLineAsync());
        Assert.StartsWith("c BAD", (await c.CommandAsync("c LOGIN x y", "c"))[^1]);
    }

    [Theory]
    [InlineData("AMMoAHB3", "a BAD Malformed PLAIN response")]                 // "\0\xC3(\0pw": the user name is not UTF-8 (RFC 4616 §2)
    [InlineData("AGJvYgBwdwB4", "a BAD Malformed PLAIN response")]             // "\0bob\0pw\0x": NUL inside the password
    [InlineData("AGJv YgBw", "a BAD Invalid base64 in authentication response")] // white space is not base64 (RFC 4648 §3.3)
    [InlineData("=", "a BAD Malformed PLAIN response")]                        // an empty response is no PLAIN message
    public async Task Authenticate_plain_responses_follow_the_shared_sasl_rules(string response, string reply)
    {
        await using var c = await RawImapClient.ConnectAsync(fixture.Server, implicitTls: true);
        await c.ReadLineAsync();
        await c.SendAsync("a AUTHENTICATE PLAIN\r\n");
        Assert.Equal("+ ", await c.ReadLineAsync());
        await c.SendAsync(response + "\r\n");
        Assert.Equal(reply, await c.ReadLineAsync());
    }

    [Fact]
    public async Task Authenticate_plain_response_over_the_sasl_cap_is_refused_and_fields_over_255_octets_too()
    {
        string user = await fixture.NewUserAsync();
        await using var c = await RawImapClient.ConnectAsync(fixture.Server, implicitTls: true);
        await c.ReadLineAsync();
        await c.SendAsync("a AUTHENTICATE PLAIN\r\n");
        Assert.Equal("+ ", await c.ReadLineAsync());
        await c.SendAsync(Convert.ToBase64String(new byte[2000]) + "\r\n");
        Assert.Equal("a BAD Invalid base64 in authentication response", await c.ReadLineAsync());
        string tooLong = Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{user}\0{new string('p', 256)}"));
        Assert.Equal("b BAD Malformed PLAIN response", (await c.CommandAsync("b AUTHENTICATE PLAIN " + tooLong, "b"))[^1]);
    }

    [Fact]
    public async Task Authenticate_plain_with_initial_response_logs_in()
    {
        string user = await fixture.NewUserAsync();
        await using var c = await RawImapClient.ConnectAsync(fixture.Server, implicitTls: true);
        await c.ReadLineAsync();
        string ir = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}\0{user}\0{ImapServerFixture.Password}"));
        Assert.StartsWith("a OK [CAPABILITY", (await c.CommandAsync("a AUTHENTICATE PLAIN " + ir, "a"))[^1]);
        Assert.StartsWith("b OK", (await c.CommandAsync("b SELECT INBOX", "b"))[^1]);
    }

    [Fact]
    public async Task Authenticate_login_prompts_for_user_name_then_password_with_or_without_an_initial_response()
    {
        string user = await fixture.NewUserAsync();
        string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
        await using var c = await RawImapClient.ConnectAsync(fixture.Server, implicitTls: true);
        Assert.Contains(" AUTH=LOGIN", (await c.ReadLineAsync())!);

        await c.SendAsync("a AUTHENTICATE LOGIN\r\n");
        Assert.Equal("+ VXNlcm5hbWU6", await c.ReadLineAsync()); // "Username:"
        await c.SendAsync(B64(user) + "\r\n");
        Assert.Equal("+ UGFzc3dvcmQ6", await c.ReadLineAsync()); // "Password:"
        Assert.Equal("a NO [AUTHENTICATIONFAILED] Invalid credentials", (await c.CommandAsync(B64("wrong-password"), "a"))[^1]);
        await c.SendAsync($"b AUTHENTICATE LOGIN {B64(user)}\r\n"); // SASL-IR: the initial response is the user name
        Assert.Equal("+ UGFzc3dvcmQ6", await c.ReadLineAsync());
        Assert.StartsWith("b OK [CAPABILITY", (await c.CommandAsync(B64(ImapServerFixture.Password), "b"))[^1]);
        Assert.StartsWith("c OK", (await c.CommandAsync("c SELECT INBOX", "c"))[^1]);
    }

    [Fact]
    public async Task MailKit_logs_in_with_the_LOGIN_mechanism()
    {
        string user = await fixture.NewUserAsync();
        using var client = new MailKit.Net.Imap.ImapClient { ServerCertificateValidationCallback = (_, _, _, _) => true, Timeout = 30_000 };
        await client.ConnectAsync("127.0.0.1", fixture.Server.Port(CloudMail.Listener.Network.EndpointKind.Imaps), MailKit.Security.SecureSocketOptions.SslOnConnect);
        Assert.Contains("LOGIN", client.AuthenticationMechanisms);

        await client.AuthenticateAsync(new MailKit.Security.SaslMechanismLogin(user, ImapServerFixture.Password));

        Assert.True(client.IsAuthenticated);
        Assert.Equal(0, (await client.GetFolderAsync("INBOX")).Count);
    }

    [Fact]
    public async Task Id_enable_and_logout_follow_their_rfcs()
    {
        var (_, c) = await LoginAsync();
        await using var _c = c;
        var id = await c.CommandAsync("i ID (\"name\" \"Thunderbird\")", "i");
        Assert.StartsWith("* ID (\"name\" \"CloudMail\"", id[0]);
        Assert.Equal(["* ENABLED", "e OK ENABLE completed"], await c.CommandAsync("e ENABLE X-NOT-A-CAPABILITY", "e"));
        Assert.Equal(["* BYE CloudMail logging out", "l OK LOGOUT completed"], await c.CommandAsync("l LOGOUT", "l"));
        Assert.True(await c.IsClosedAsync());
    }

    [Fact]
    public async Task Create_and_rename_refuse_raw_8bit_names_but_accept_modified_utf7()
    {
        // RFC 3501 §5.1: servers SHOULD prohibit creating 8-bit names. Accepting "Été" raw (as mbsync 1.4 sends it)
        // made a mailbox that LIST reports as "&AMk-t&AOk-", which that client then could not match on its next sync.
        var (_, c) = await LoginAsync();
        await using var _c = c;
        Assert.StartsWith("c1 NO [CANNOT] Mailbox names are 7-bit", (await c.CommandAsync("c1 CREATE \"Été\"", "c1"))[^1]);
        Assert.StartsWith("c2 NO [CANNOT]", (await c.CommandAsync("c2 CREATE \"Projekte/Entwürfe\"", "c2"))[^1]);
        Assert.DoesNotContain(await c.CommandAsync("l1 LIST \"\" *", "l1"), l => l.Contains("&AMk-t&AOk-") || l.Contains("Projekte"));
        Assert.Matches(@"^c3 OK \[MAILBOXID \(M[0-9a-f]{16}\)\] CREATE completed$", (await c.CommandAsync("c3 CREATE \"&AMk-t&AOk-\"", "c3"))[^1]);
        Assert.Contains("* LIST (\\HasNoChildren) \"/\" &AMk-t&AOk-", await c.CommandAsync("l2 LIST \"\" *", "l2"));
        Assert.StartsWith("r1 NO [CANNOT]", (await c.CommandAsync("r1 RENAME \"&AMk-t&AOk-\" \"Hiver-Été\"", "r1"))[^1]);
        Assert.Equal("r2 OK RENAME completed", (await c.CommandAsync("r2 RENAME \"&AMk-t&AOk-\" \"Hiver-&AMk-t&AOk-\"", "r2"))[^1]);
        // Looking an existing mailbox up by its raw UTF-8 name stays possible (deliberate leniency).
        Assert.EndsWith("OK [READ-WRITE] SELECT completed", (await c.CommandAsync("s SELECT \"Hiver-Été\"", "s"))[^1]);
    }

    [Fact]
    public async Task Rename_inbox_moves_its_messages_and_keeps_inbox()
    {
        var (user, c) = await LoginAsync();
        await using var _c = c;
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("old mail"));
        Assert.StartsWith("r OK", (await c.CommandAsync("r RENAME INBOX Archive/2024", "r"))[^1]);
        var index = fixture.Server.Get<IMailboxIndex>();
        Assert.Empty(await index.GetMessagesAsync(user, "INBOX", CancellationToken.None));
        Assert.Single(await index.GetMessagesAsync(user, "Archive/2024", CancellationToken.None));
        Assert.StartsWith("s NO [ALREADYEXISTS]", (await c.CommandAsync("s RENAME Sent Drafts", "s"))[^1]);
        Assert.StartsWith("t NO [NONEXISTENT]", (await c.CommandAsync("t RENAME Nope Other", "t"))[^1]);
    }
}
