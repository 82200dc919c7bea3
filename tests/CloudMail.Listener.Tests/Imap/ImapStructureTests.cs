using System.Text;

namespace CloudMail.Listener.Tests.Imap;

/// <summary>ENVELOPE and BODYSTRUCTURE exactly as RFC 3501 §7.4.2 spells them, checked against hand-written expectations.</summary>
[Collection(ImapCollection.Name)]
public class ImapStructureTests(ImapServerFixture fixture)
{
    private const string Message =
        "From: \"Zoë Ünal\" <zoe@remote.test>\r\nTo: team: ann@example.test, bo@example.test;\r\nSubject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\n"
        + "Date: Fri, 05 Jan 2024 10:00:00 +0100\r\nIn-Reply-To: <prev@remote.test>\r\nMessage-ID: <m1@remote.test>\r\nMIME-Version: 1.0\r\n"
        + "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
        + "--b\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nhello\r\n"
        + "--b\r\nContent-Type: message/rfc822\r\n\r\nSubject: inner\r\nFrom: x@y.test\r\n\r\ninner\r\n"
        + "--b\r\nContent-Type: image/png; name=\"a.png\"\r\nContent-Disposition: attachment; filename=\"a.png\"\r\n"
        + "Content-Transfer-Encoding: base64\r\nContent-ID: <img1>\r\nContent-Language: en, de\r\n\r\niVBORw0KGgo=\r\n"
        + "--b--\r\n";

    private async Task<string> FetchLineAsync(string items)
    {
        string user = await fixture.NewUserAsync();
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", Message);
        await using var c = await RawImapClient.LoginAsync(fixture.Server, user, ImapServerFixture.Password);
        await c.CommandAsync("s EXAMINE INBOX", "s");
        await c.SendAsync($"f FETCH 1 {items}\r\n");
        return (await c.ReadWithLiteralsAsync("f", "\n", Encoding.UTF8)).Untagged;
    }

    private const string InnerEnvelope =
        "(NIL \"inner\" ((NIL NIL \"x\" \"y.test\")) ((NIL NIL \"x\" \"y.test\")) ((NIL NIL \"x\" \"y.test\")) NIL NIL NIL NIL NIL)";

    [Fact]
    public async Task Bodystructure_has_every_field_and_the_extension_data()
    {
        string expected = "* 1 FETCH (BODYSTRUCTURE ("
            + "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 5 0 NIL NIL NIL NIL)"
            + "(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 39 " + InnerEnvelope
            + " (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 5 0 NIL NIL NIL NIL) 3 NIL NIL NIL NIL)"
            + "(\"IMAGE\" \"PNG\" (\"NAME\" \"a.png\") \"<img1>\" NIL \"BASE64\" 12 NIL (\"ATTACHMENT\" (\"FILENAME\" \"a.png\")) (\"en\" \"de\") NIL)"
            + " \"MIXED\" (\"BOUNDARY\" \"b\") NIL NIL NIL))";
        Assert.Equal(expected, await FetchLineAsync("BODYSTRUCTURE"));
    }

    [Fact]
    public async Task Body_is_the_structure_without_extension_data()
    {
        string expected = "* 1 FETCH (BODY ("
            + "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 5 0)"
            + "(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 39 " + InnerEnvelope
            + " (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 5 0) 3)"
            + "(\"IMAGE\" \"PNG\" (\"NAME\" \"a.png\") \"<img1>\" NIL \"BASE64\" 12)"
            + " \"MIXED\"))";
        Assert.Equal(expected, await FetchLineAsync("BODY"));
    }

    [Fact]
    public async Task Envelope_keeps_raw_header_text_groups_and_encodes_non_ascii_names()
    {
        string line = await FetchLineAsync("ENVELOPE");
        string from = "((\"=?utf-8?b?Wm/DqyDDnG5hbA==?=\" NIL \"zoe\" \"remote.test\"))";
        string expected = "* 1 FETCH (ENVELOPE (\"Fri, 05 Jan 2024 10:00:00 +0100\" \"=?utf-8?q?Gr=C3=BC=C3=9Fe?=\" "
            + from + " " + from + " " + from + " "
            + "((NIL NIL \"team\" NIL)(NIL NIL \"ann\" \"example.test\")(NIL NIL \"bo\" \"example.test\")(NIL NIL NIL NIL)) "
            + "NIL NIL \"<prev@remote.test>\" \"<m1@remote.test>\"))";
        Assert.Equal(expected, line);
    }

    [Fact]
    public async Task A_multipart_whose_boundary_never_comes_shows_one_empty_part_with_extension_data()
    {
        // body-type-mpart needs one body at least (RFC 3501 §9); in BODYSTRUCTURE that part has extension data like any other.
        string user = await fixture.NewUserAsync();
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", "Content-Type: multipart/mixed; boundary=x\r\n\r\nthe boundary never comes\r\n");
        await using var c = await RawImapClient.LoginAsync(fixture.Server, user, ImapServerFixture.Password);
        await c.CommandAsync("s EXAMINE INBOX", "s");
        var lines = await c.CommandAsync("f FETCH 1 (BODY BODYSTRUCTURE)", "f");
        Assert.Equal("* 1 FETCH (BODY ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 0 0) \"MIXED\") BODYSTRUCTURE "
            + "((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 0 0 NIL NIL NIL NIL) \"MIXED\" (\"BOUNDARY\" \"x\") NIL NIL NIL))", lines[0]);
    }

    [Theory]
    [InlineData("just some text without any header\r\n")]
    [InlineData("\r\n\r\n")]
    [InlineData("Subject: no body")]
    [InlineData("Content-Type: multipart/mixed\r\n\r\nno boundary parameter\r\n")]
    [InlineData("Content-Type: multipart/mixed; boundary=x\r\n\r\nthe boundary never comes\r\n")]
    [InlineData("Content-Type: message/rfc822\r\n\r\n")]
    [InlineData("From: <<<@@@>>>\r\nTo: ;;;,,,\r\nDate: yesterday\r\nContent-Type: text/plain; charset=\"no-such-charset\"\r\nContent-Transfer-Encoding: x-unknown\r\n\r\n\u0001\u0000binary\r\n")]
    public async Task Malformed_messages_still_fetch_and_search(string raw)
    {
        string user = await fixture.NewUserAsync();
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", raw);
        await using var c = await RawImapClient.LoginAsync(fixture.Server, user, ImapServerFixture.Password);
        await c.CommandAsync("s SELECT INBOX", "s");
        var fetch = await c.CommandAsync("f FETCH 1 (ENVELOPE BODYSTRUCTURE BODY.PEEK[1] BODY.PEEK[TEXT]<0.10>)", "f");
        Assert.Equal("f OK FETCH completed", fetch[^1]);
        // RFC 3516 §4.3: an encoding the server cannot remove is NO [UNKNOWN-CTE], and the session goes on.
        var binary = await c.CommandAsync("b FETCH 1 (BINARY.SIZE[1])", "b");
        Assert.StartsWith(raw.Contains("x-unknown", StringComparison.Ordinal) ? "b NO [UNKNOWN-CTE]" : "b OK FETCH completed", binary[^1]);
        var search = await c.CommandAsync("g SEARCH OR FROM x TEXT binary", "g");
        Assert.Equal("g OK SEARCH completed", search[^1]);
        Assert.Equal(["n OK NOOP completed"], await c.CommandAsync("n NOOP", "n"));
    }
}
