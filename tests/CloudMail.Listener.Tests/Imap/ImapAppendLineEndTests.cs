using System.Text;

namespace CloudMail.Listener.Tests.Imap;

/// <summary>
/// APPEND and CATENATE store bare LFs as CRLF (RFC 5322 §2.1, RFC 3501 §2.2), as Dovecot does: what a client fetches
/// back is a message with CRLF line ends, its RFC822.SIZE that of the stored bytes. A literal8 (RFC 3516) is kept as sent.
/// </summary>
[Collection(ImapCollection.Name)]
public class ImapAppendLineEndTests(ImapServerFixture fixture)
{
    [Fact]
    public async Task An_appended_message_with_bare_line_feeds_is_fetched_with_crlf_and_its_bare_cr_kept()
    {
        var (_, c) = await fixture.NewRawLoginAsync();
        await using var _c = c;
        // Sent in two writes split between a CR and its LF, so that a CRLF across reads stays one CRLF.
        string first = "Subject: line ends\nX-Mixed: yes\r", second = "\n\nbody\nline2\r\nbare\rcr\n";
        await c.SendAsync($"a APPEND INBOX {{{first.Length + second.Length}+}}\r\n{first}");
        await Task.Delay(50);
        await c.SendAsync(second + "\r\n");
        Assert.StartsWith("a OK [APPENDUID", (await c.ReadUntilTaggedAsync("a"))[^1]);
        await c.CommandAsync("s SELECT INBOX", "s");

        await c.SendAsync("f FETCH 1 (RFC822.SIZE BODY.PEEK[])\r\n");
        var (untagged, tagged) = await c.ReadWithLiteralsAsync("f", "|", Encoding.Latin1);

        const string stored = "Subject: line ends\r\nX-Mixed: yes\r\n\r\nbody\r\nline2\r\nbare\rcr\r\n";
        Assert.Equal("f OK FETCH completed", tagged);
        Assert.Equal($"* 1 FETCH (RFC822.SIZE {stored.Length} BODY[] {{{stored.Length}}}|{stored})", untagged);
    }

    [Fact]
    public async Task A_literal8_message_is_stored_as_sent_its_binary_body_untouched()
    {
        // RFC 3516 §4.4: a literal8 may carry binary content, where an LF is data, not a line end.
        var (_, c) = await fixture.NewRawLoginAsync();
        await using var _c = c;
        byte[] message = Encoding.Latin1.GetBytes("Subject: binary\r\nContent-Transfer-Encoding: binary\r\n\r\nab\ncd\0ef\n\r\n");
        await c.SendAsync($"a APPEND INBOX ~{{{message.Length}}}\r\n");
        Assert.StartsWith("+", await c.ReadLineAsync());
        await c.SendAsync([.. message, .. "\r\n"u8.ToArray()]);
        Assert.StartsWith("a OK [APPENDUID", (await c.ReadUntilTaggedAsync("a"))[^1]);
        await c.CommandAsync("s SELECT INBOX", "s");

        await c.SendAsync("f FETCH 1 (RFC822.SIZE BINARY.PEEK[])\r\n");
        var (untagged, _) = await c.ReadWithLiteralsAsync("f", "|", Encoding.Latin1);

        Assert.Equal($"* 1 FETCH (RFC822.SIZE {message.Length} BINARY[] ~{{{message.Length}}}|{Encoding.Latin1.GetString(message)})", untagged);
    }

    [Fact]
    public async Task A_catenated_text_part_with_bare_line_feeds_is_stored_with_crlf()
    {
        var (_, c) = await fixture.NewRawLoginAsync();
        await using var _c = c;
        string text = "Subject: catenated\n\nline1\nline2\n";
        await c.SendAsync($"a APPEND INBOX CATENATE (TEXT {{{text.Length}+}}\r\n{text})\r\n");
        Assert.StartsWith("a OK [APPENDUID", (await c.ReadUntilTaggedAsync("a"))[^1]);
        await c.CommandAsync("s SELECT INBOX", "s");

        await c.SendAsync("f FETCH 1 BODY.PEEK[]\r\n");
        var (untagged, _) = await c.ReadWithLiteralsAsync("f", "|", Encoding.Latin1);

        Assert.EndsWith("|Subject: catenated\r\n\r\nline1\r\nline2\r\n)", untagged);
    }
}
