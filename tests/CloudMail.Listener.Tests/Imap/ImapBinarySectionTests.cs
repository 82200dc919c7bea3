using System.Text;

namespace CloudMail.Listener.Tests.Imap;

/// <summary>
/// BINARY[...] (RFC 3516) beyond the plain decoded part: literal8 for NULs, partial fetches of decoded content, the
/// section texts Dovecot also accepts after BINARY (HEADER, TEXT, MIME, HEADER.FIELDS: answered as stored), an
/// encapsulated message, and the open-ended &lt;offset&gt; partial.
/// </summary>
[Collection(ImapCollection.Name)]
public class ImapBinarySectionTests(ImapServerFixture fixture)
{
    private const string Message =
        "From: a@remote.test\r\nSubject: binary\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
        + "--b\r\nContent-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        + "caf=C3=A9 a=3Db soft= \r\nbreak \t\r\nend\r\n"
        + "--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\nYWIAY2Q=\r\n"
        + "--b\r\nContent-Type: message/rfc822\r\n\r\nSubject: inner\r\nX-Other: o\r\n\r\ninner body\r\n"
        + "--b--\r\n";

    /// <summary>Fetches <paramref name="items"/> of message 1 and returns the response with each literal as "{n}" or "~{n}" followed by its bytes.</summary>
    private async Task<string> FetchAsync(string items)
    {
        string user = await fixture.NewUserAsync();
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", Message);
        await using var c = await RawImapClient.LoginAsync(fixture.Server, user, ImapServerFixture.Password);
        await c.CommandAsync("s EXAMINE INBOX", "s");
        await c.SendAsync($"f FETCH 1 {items}\r\n");
        var (untagged, tagged) = await c.ReadWithLiteralsAsync("f", "|", Encoding.Latin1);
        Assert.StartsWith("f OK", tagged);
        return untagged;
    }

    [Fact]
    public async Task Quoted_printable_part_is_decoded_and_sized_as_decoded()
    {
        // RFC 2045 §6.7 (3): trailing white space is transport padding, removed (after "=" too: still a soft break).
        Assert.Equal("* 1 FETCH (BINARY[1] {24}|café a=b softbreak\r\nend)",
            Encoding.UTF8.GetString(Encoding.Latin1.GetBytes(await FetchAsync("BINARY.PEEK[1]"))));
        Assert.Equal("* 1 FETCH (BINARY.SIZE[1] 24)", await FetchAsync("BINARY.SIZE[1]"));
    }

    [Fact]
    public async Task Content_with_a_nul_is_a_literal8_and_partials_cut_the_decoded_bytes()
    {
        Assert.Equal("* 1 FETCH (BINARY[2] ~{5}|ab\0cd)", await FetchAsync("BINARY.PEEK[2]"));
        Assert.Equal("* 1 FETCH (BINARY[2]<3> {2}|cd)", await FetchAsync("BINARY.PEEK[2]<3.10>"));
        // "<offset>" alone (as Dovecot accepts) runs to the end, for BINARY and BODY alike.
        Assert.Equal("* 1 FETCH (BINARY[2]<1> ~{4}|b\0cd)", await FetchAsync("BINARY.PEEK[2]<1>"));
        Assert.Equal("* 1 FETCH (BODY[2]<4> {4}|Y2Q=)", await FetchAsync("BODY.PEEK[2]<4>"));
    }

    [Fact]
    public async Task A_nul_byte_in_stored_content_goes_out_as_0x80_in_a_literal_and_as_itself_in_binary()
    {
        // A literal carries CHAR8 only (RFC 3501 §9: %x01-ff): BODY[] sends the NUL as 0x80 (as Dovecot does), same length,
        // while BINARY sends the stored bytes in a literal8 (RFC 3516 §4.3).
        const string raw = "From: a@remote.test\r\nSubject: nul\r\nX-Nul: a\0b\r\nContent-Type: application/octet-stream\r\n"
            + "Content-Transfer-Encoding: binary\r\n\r\nx\0y\r\n";
        string user = await fixture.NewUserAsync();
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", raw);
        await using var c = await RawImapClient.LoginAsync(fixture.Server, user, ImapServerFixture.Password);
        await c.CommandAsync("s EXAMINE INBOX", "s");
        await c.SendAsync("f FETCH 1 (RFC822.SIZE BODY.PEEK[] BODY.PEEK[HEADER.FIELDS (X-Nul)] BINARY.PEEK[1])\r\n");
        var (untagged, tagged) = await c.ReadWithLiteralsAsync("f", "|", Encoding.Latin1);
        Assert.StartsWith("f OK", tagged);
        Assert.Contains($"RFC822.SIZE {raw.Length} ", untagged);
        Assert.Contains($"BODY[] {{{raw.Length}}}|{raw.Replace('\0', '\u0080')}", untagged);
        Assert.Contains("|X-Nul: a\u0080b\r\n\r\n", untagged);
        Assert.Contains("BINARY[1] ~{5}|x\0y\r\n", untagged);
        Assert.Equal(2, untagged.Count(ch => ch == '\0') + 1); // the one NUL is BINARY's
    }

    [Fact]
    public async Task Encapsulated_message_is_returned_whole_and_its_header_as_stored()
    {
        Assert.Equal("* 1 FETCH (BINARY[3] {40}|Subject: inner\r\nX-Other: o\r\n\r\ninner body)", await FetchAsync("BINARY.PEEK[3]"));
        Assert.Equal("* 1 FETCH (BINARY[3.HEADER] {30}|Subject: inner\r\nX-Other: o\r\n\r\n)", await FetchAsync("BINARY.PEEK[3.HEADER]"));
        Assert.Equal("* 1 FETCH (BINARY.SIZE[3.HEADER.FIELDS (SUBJECT)] 18)", await FetchAsync("BINARY.SIZE[3.HEADER.FIELDS (SUBJECT)]"));
        Assert.Equal("* 1 FETCH (BINARY[3.TEXT] {10}|inner body)", await FetchAsync("BINARY.PEEK[3.TEXT]"));
    }

    [Fact]
    public async Task A_leaf_part_is_its_own_part_one_once_as_in_Dovecot()
    {
        Assert.Equal("* 1 FETCH (BODY[2.1] {8}|YWIAY2Q=)", await FetchAsync("BODY.PEEK[2.1]"));
        Assert.Equal("* 1 FETCH (BINARY[2.1] ~{5}|ab\0cd)", await FetchAsync("BINARY.PEEK[2.1]"));
        Assert.Equal("* 1 FETCH (BODY[2.1.MIME] {77}|Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n)",
            await FetchAsync("BODY.PEEK[2.1.MIME]"));
        Assert.Equal("* 1 FETCH (BODY[2.1.1] NIL)", await FetchAsync("BODY.PEEK[2.1.1]"));
        Assert.Equal("* 1 FETCH (BODY[3.1] {10}|inner body)", await FetchAsync("BODY.PEEK[3.1]")); // an encapsulated message's body
    }

    [Fact]
    public async Task Mime_header_and_top_level_text_are_answered_as_stored()
    {
        Assert.Equal("* 1 FETCH (BINARY[1.MIME] {91}|Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n)",
            await FetchAsync("BINARY.PEEK[1.MIME]"));
        string body = Message[(Message.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
        Assert.Equal($"* 1 FETCH (BINARY.SIZE[TEXT] {body.Length})", await FetchAsync("BINARY.SIZE[TEXT]"));
    }

    [Fact]
    public async Task An_encoding_the_server_cannot_remove_fails_the_fetch_with_unknown_cte()
    {
        // RFC 3516 §4.3: NO [UNKNOWN-CTE], not the encoded bytes presented as decoded; the request fails as a whole (no
        // FETCH response, no \Seen set); BODY[] still returns the bytes as stored.
        string user = await fixture.NewUserAsync();
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", "From: a@remote.test\r\nSubject: plain\r\n\r\nfine\r\n");
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX",
            "From: a@remote.test\r\nSubject: odd\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\nbegin 644 x\r\n");
        await using var c = await RawImapClient.LoginAsync(fixture.Server, user, ImapServerFixture.Password);
        await c.CommandAsync("s SELECT INBOX", "s");
        foreach (string items in new[] { "BINARY[1]", "BINARY.PEEK[1]", "BINARY.SIZE[1]" })
        {
            await c.SendAsync($"f FETCH 1:2 {items}\r\n");
            var (untagged, tagged) = await c.ReadWithLiteralsAsync("f", "|", Encoding.Latin1);
            Assert.StartsWith("f NO [UNKNOWN-CTE]", tagged);
            Assert.DoesNotContain("FETCH", untagged, StringComparison.Ordinal);
        }
        var flags = await c.CommandAsync("g FETCH 1:2 FLAGS", "g");
        Assert.Equal("g OK FETCH completed", flags[^1]);
        Assert.All(flags, line => Assert.DoesNotContain("\\Seen", line, StringComparison.Ordinal));
        await c.SendAsync("b FETCH 2 BODY.PEEK[1]\r\n");
        var (body, done) = await c.ReadWithLiteralsAsync("b", "|", Encoding.Latin1);
        Assert.StartsWith("b OK", done);
        Assert.Equal("* 2 FETCH (BODY[1] {13}|begin 644 x\r\n)", body);
    }
}
