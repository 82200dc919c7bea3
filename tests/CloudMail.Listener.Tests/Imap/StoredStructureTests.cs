using System.Buffers;
using System.Text;
using CloudMail.Core.Mailboxes.Structure;
using CloudMail.Listener.Imap.Messages;
using CloudMail.Protocols.Imap.Writing;
using MimeKit;

namespace CloudMail.Listener.Tests.Imap;

/// <summary>
/// The structure kept in the mailbox index (<see cref="StoredStructure"/>) answers ENVELOPE, BODY and BODYSTRUCTURE with
/// exactly the bytes the blob parse gives, and SORT/THREAD with the same header fields; a bad value reads as absent.
/// </summary>
public sealed class StoredStructureTests
{
    public static TheoryData<string, string> Messages => new()
    {
        { "plain", "From: Ann <ann@a.test>\r\nTo: bob@b.test\r\nSubject: hi\r\nDate: Thu, 3 Dec 2026 10:00:00 +0000\r\nMessage-ID: <1@a.test>\r\n\r\nHello\r\n" },
        { "alternative", "From: ann@a.test\r\nSubject: alt\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"b1\"\r\n\r\npreamble\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nH=C3=A9llo\r\nline 2\r\n--b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>H\u00e9llo</p>\r\n--b1--\r\nepilogue\r\n" },
        { "nested rfc822", "From: ann@a.test\r\nSubject: fwd\r\nContent-Type: multipart/mixed; boundary=outer\r\n\r\n--outer\r\nContent-Type: text/plain\r\n\r\nsee below\r\n--outer\r\nContent-Type: message/rfc822\r\nContent-Description: forwarded\r\n\r\nFrom: Carl <carl@c.test>\r\nTo: undisclosed-recipients:;\r\nCc: team: d@d.test, e@e.test;\r\nSubject: inner\r\nIn-Reply-To: <0@c.test>\r\nContent-Type: multipart/mixed; boundary=inner\r\n\r\n--inner\r\nContent-Type: text/plain\r\n\r\ninner body\r\n--inner\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\nAAEC\r\n--inner--\r\n--outer--\r\n" },
        { "encoded words", "From: =?UTF-8?B?w4VzYQ==?= <asa@a.test>\r\nSender: =?iso-8859-1?q?J=F6rg?= <j@a.test>\r\nReply-To: \"Caf\u00e9 Team\" <team@a.test>\r\nSubject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?= und =?UTF-8?B?8J+Yig==?=\r\nReferences: <1@a.test> <2@a.test>\r\n\r\nbody\r\n" },
        { "attachment parameters", "From: ann@a.test\r\nSubject: files\r\nContent-Type: multipart/mixed; boundary=\"=_x\"\r\n\r\n--=_x\r\nContent-Type: text/plain\r\nContent-Language: en, de\r\n\r\nhi\r\n--=_x\r\nContent-Type: application/pdf; name=\"report 2026.pdf\"\r\nContent-Disposition: attachment; filename*=UTF-8''%C3%A9t%C3%A9.pdf; size=3\r\nContent-ID: <att1@a.test>\r\nContent-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==\r\nContent-Location: http://a.test/r.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nAAAA\r\n--=_x--\r\n" },
        { "malformed headers", "From: <>\r\nTo: @route:broken, ,\"unterminated <x@y\r\nSubject: two\r\n  folded\tlines\r\nDate: not a date\r\nContent-Type: multipart/mixed\r\nX-Bad-Header-Without-Colon\r\nMessage-ID: no-brackets\r\n\r\nno boundary at all\r\n" },
        { "empty multipart", "Subject: e\r\nContent-Type: multipart/mixed; boundary=z\r\n\r\n--z--\r\n" },
        { "8-bit header", "Subject: caf\u00e9 8bit\r\nFrom: J\u00f6rg <j@a.test>\r\n\r\nx\r\n" },
    };

    [Theory]
    [MemberData(nameof(Messages))]
    public async Task The_stored_structure_writes_the_same_ENVELOPE_BODY_and_BODYSTRUCTURE_as_the_blob(string name, string text)
    {
        byte[] raw = Encoding.UTF8.GetBytes(text);
        MessageStructure parsed = (await MessageStructureParser.TryParseAsync(new MemoryStream(raw), CancellationToken.None))!;

        string? stored = StoredStructure.TryWrite(parsed);
        MessageStructure? read = StoredStructure.TryRead(stored);

        Assert.NotNull(read);
        Assert.Equal(Answer(parsed), Answer(read));
        Assert.Equal(parsed.Size, read.Size);
        Assert.False(read.HeadersComplete);
        foreach (var id in StoredStructure.SortHeaders)
            Assert.Equal(parsed.Headers[id], read.Headers[id]);
        Assert.True(name.Length > 0);
    }

    [Fact]
    public async Task Header_blocks_read_one_after_another_each_give_their_own_fields()
    {
        // The stored header blocks are parsed by one reused parser per thread: nothing of a block may show in the next.
        var parsed = new List<MessageStructure>();
        foreach (var row in Messages)
            parsed.Add((await MessageStructureParser.TryParseAsync(new MemoryStream(Encoding.UTF8.GetBytes((string)row[1])), CancellationToken.None))!);
        var stored = parsed.Select(StoredStructure.TryWrite).ToList();
        for (int round = 0; round < 2; round++)
        {
            for (int i = 0; i < parsed.Count; i++)
            {
                var read = StoredStructure.TryRead(stored[i])!;
                Assert.Equal(parsed[i].Headers.Where(h => StoredStructure.SortHeaders.Contains(h.Id)).Select(h => (h.Field, h.Value)),
                    read.Headers.Select(h => (h.Field, h.Value)));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Messages))]
    public async Task The_stored_structure_gives_the_same_section_offsets(string name, string text)
    {
        byte[] raw = Encoding.UTF8.GetBytes(text);
        MessageStructure parsed = (await MessageStructureParser.TryParseAsync(new MemoryStream(raw), CancellationToken.None))!;
        MessageStructure read = StoredStructure.TryRead(StoredStructure.TryWrite(parsed))!;
        Assert.Equal(Offsets(parsed.Message.Body), Offsets(read.Message.Body));
        Assert.True(name.Length > 0);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("[]")]
    [InlineData("{\"v\":2,\"s\":10,\"m\":[0,0,10,[null,null,null,null,null,null,null,null,null,null],{\"r\":[0,0,10,0],\"t\":\"text\",\"u\":\"plain\",\"e\":\"7BIT\"}],\"h\":\"\"}")]
    [InlineData("{\"v\":1,\"s\":10,\"m\":[0,0,11,[null,null,null,null,null,null,null,null,null,null],{\"r\":[0,0,11,0],\"t\":\"text\",\"u\":\"plain\",\"e\":\"7BIT\"}],\"h\":\"\"}")]
    [InlineData("{\"v\":1,\"s\":10,\"m\":[0,5,3,[null,null,null,null,null,null,null,null,null,null],{\"r\":[0,0,1,0],\"t\":\"text\",\"u\":\"plain\",\"e\":\"7BIT\"}],\"h\":\"\"}")]
    [InlineData("{\"v\":1,\"s\":10,\"m\":[0,0,10,[1,null,null,null,null,null,null,null,null,null],{\"r\":[0,0,10,0],\"t\":\"text\",\"u\":\"plain\",\"e\":\"7BIT\"}],\"h\":\"\"}")]
    [InlineData("{\"v\":1,\"s\":10,\"m\":[0,0,10,[null,null,null,null,null,null,null,null,null,null],{\"r\":[0,0,10,0],\"u\":\"plain\",\"e\":\"7BIT\"}],\"h\":\"\"}")]
    [InlineData("{\"v\":1,\"s\":10,\"m\":[0,0,10,[null,null,null,null,null,null,null,null,null,null],{\"r\":[0,0,10,0],\"t\":\"text\",\"u\":\"plain\",\"e\":\"7BIT\",\"p\":[\"a\"]}],\"h\":\"\"}")]
    [InlineData("{\"v\":1,\"s\":10,\"m\":[0,0,10,[null,null,[[null,null]],null,null,null,null,null,null,null],{\"r\":[0,0,10,0],\"t\":\"text\",\"u\":\"plain\",\"e\":\"7BIT\"}],\"h\":\"\"}")]
    public void A_missing_corrupt_or_other_version_value_reads_as_absent(string? stored) =>
        Assert.Null(StoredStructure.TryRead(stored));

    [Fact]
    public void A_valid_hand_written_value_reads()
    {
        const string stored = "{\"v\":1,\"s\":10,\"m\":[0,0,10,[null,null,null,null,null,null,null,null,null,null],{\"r\":[0,0,10,1],\"t\":\"text\",\"u\":\"plain\",\"e\":\"7BIT\"}],\"h\":\"\"}";
        Assert.NotNull(StoredStructure.TryRead(stored));
    }

    [Theory]
    [InlineData("Subject: fine\r\nDate: Mon, 01 Jan 2024 10:00:00 +0000\r\n", 2)]
    [InlineData("\u00ff\u0000no field here\r\n\r\nSubject: after the end\r\n", 0)]
    [InlineData(" folded first\r\n", 0)]
    public void Kept_header_fields_are_parsed_when_first_read_and_a_block_that_does_not_parse_gives_none(string block, int fields)
    {
        string stored = "{\"v\":1,\"s\":10,\"m\":[0,0,10,[null,null,null,null,null,null,null,null,null,null],{\"r\":[0,0,10,1],\"t\":\"text\",\"u\":\"plain\",\"e\":\"7BIT\"}],\"h\":"
            + System.Text.Json.JsonSerializer.Serialize(block) + "}";
        MessageStructure read = StoredStructure.TryRead(stored)!;

        Assert.Equal(fields, read.Headers.Count);
        Assert.False(read.HeadersComplete);
    }

    [Fact]
    public async Task Every_truncation_of_a_value_reads_as_absent_without_throwing()
    {
        byte[] raw = "From: Ann <ann@a.test>\r\nSubject: t\r\nContent-Type: multipart/mixed; boundary=q\r\n\r\n--q\r\n\r\na\r\n--q--\r\n"u8.ToArray();
        var parsed = (await MessageStructureParser.TryParseAsync(new MemoryStream(raw), CancellationToken.None))!;
        string stored = StoredStructure.TryWrite(parsed)!;
        for (int i = 0; i < stored.Length; i++) Assert.Null(StoredStructure.TryRead(stored[..i]));
    }

    [Theory]
    [MemberData(nameof(Messages))]
    public async Task The_bounds_read_from_a_value_s_beginning_are_those_of_the_whole_value(string name, string text)
    {
        byte[] raw = Encoding.UTF8.GetBytes(text);
        MessageStructure parsed = (await MessageStructureParser.TryParseAsync(new MemoryStream(raw), CancellationToken.None))!;

        MessageBounds? bounds = StoredStructure.TryReadBounds(StoredStructure.TryWrite(parsed));

        Assert.Equal(MessageBounds.Of(parsed), bounds);
        Assert.Equal(MessageBounds.Of(StoredStructure.TryRead(StoredStructure.TryWrite(parsed))!), bounds);
        Assert.True(bounds!.HeadersEnd > 0, name);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("[]")]
    [InlineData("{\"v\":2,\"s\":10,\"m\":[0,0,10,")] // another version
    [InlineData("{\"v\":\"1\",\"s\":10,\"m\":[0,0,10,")] // not numbers
    [InlineData("{\"v\":1,\"s\":\"10\",\"m\":[0,0,10,")]
    [InlineData("{\"v\":1,\"s\":10,\"m\":[0,\"0\",10,")]
    [InlineData("{\"v\":1,\"s\":10,\"m\":{\"b\":0}")]
    [InlineData("{\"s\":10,\"v\":1,\"m\":[0,0,10,")] // not in the order written
    [InlineData("{\"v\":1,\"s\":10,\"x\":[0,0,10,")]
    [InlineData("{\"v\":1,\"s\":10,\"m\":[0,5,3,")] // offsets out of order
    [InlineData("{\"v\":1,\"s\":10,\"m\":[0,0,11,")] // past the size
    [InlineData("{\"v\":1,\"s\":10,\"m\":[-1,0,10,")]
    [InlineData("{\"v\":1,\"s\":10,\"m\":[0,0.5,10,")]
    [InlineData("{\"v\":1,\"s\":10,\"m\":[0,0,99999999999999999999,")]
    [InlineData("{\"v\":1,\"s\":10,\"m\":[0,0,1")] // cut inside the offsets
    [InlineData("{\"v\":\u0131,\"s\":10,\"m\":[0,0,10,")] // U+0131 is no digit, whatever its low byte
    [InlineData("{\"v\":1,\"s\":1\u0660,\"m\":[0,0,10,")]
    public void A_value_that_does_not_begin_as_written_has_no_bounds(string? stored) =>
        Assert.Null(StoredStructure.TryReadBounds(stored));

    [Fact]
    public void Bounds_are_read_when_only_the_value_s_beginning_is_as_written()
    {
        // Only the first characters are read: the rest is for TryRead to check (a FETCH of the header needs no more).
        Assert.Equal(new MessageBounds(0, 4, 10, 10), StoredStructure.TryReadBounds("{\"v\":1,\"s\":10,\"m\":[0,4,10,"));
        Assert.Equal(new MessageBounds(2, 4, 8, 10), StoredStructure.TryReadBounds("{ \"v\" : 1 , \"s\":10,\"m\":[ 2,4,8 ,[null]]}"));
    }

    [Fact]
    public async Task Changed_or_cut_values_never_throw_and_any_bounds_they_give_are_in_order()
    {
        byte[] raw = "From: Ann <ann@a.test>\r\nSubject: t\r\nContent-Type: multipart/mixed; boundary=q\r\n\r\n--q\r\n\r\na\r\n--q--\r\n"u8.ToArray();
        string stored = StoredStructure.TryWrite((await MessageStructureParser.TryParseAsync(new MemoryStream(raw), CancellationToken.None))!)!;
        var random = new Random(20261207);
        const string alphabet = "{}[],:\"-.0123456789vsmh eE\u0131\u00e9";
        int read = 0;
        for (int i = 0; i < 20_000; i++)
        {
            char[] changed = stored[..random.Next(stored.Length + 1)].ToCharArray();
            for (int k = random.Next(1, 4); k > 0 && changed.Length > 0; k--)
                changed[random.Next(Math.Min(changed.Length, 40))] = alphabet[random.Next(alphabet.Length)];
            if (StoredStructure.TryReadBounds(new string(changed)) is not { } b) continue;
            read++;
            Assert.True(0 <= b.Begin && b.Begin <= b.HeadersEnd && b.HeadersEnd <= b.End && b.End <= b.Size, b.ToString());
        }
        Assert.InRange(read, 1, 19_999);
    }

    [Fact]
    public async Task A_structure_over_the_Table_Storage_limit_is_not_stored()
    {
        var sb = new StringBuilder("Subject: many\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n");
        for (int i = 0; i < 2000; i++) sb.Append("--b\r\nContent-Type: text/plain; name=\"part-").Append(i).Append(".txt\"\r\n\r\nx\r\n");
        sb.Append("--b--\r\n");
        var parsed = (await MessageStructureParser.TryParseAsync(new MemoryStream(Encoding.ASCII.GetBytes(sb.ToString())), CancellationToken.None))!;

        Assert.Null(StoredStructure.TryWrite(parsed));
        Assert.Null(await StructureOfMessage.ComputeAsync(new MemoryStream(Encoding.ASCII.GetBytes(sb.ToString())), CancellationToken.None));
    }

    private static string Answer(MessageStructure s)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var w = new ImapResponseWriter(buffer);
        StructureWriter.Envelope(w, s.Message.Envelope);
        w.Raw(" ");
        StructureWriter.Body(w, s.Message.Body, extended: false);
        w.Raw(" ");
        StructureWriter.Body(w, s.Message.Body, extended: true);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static string Offsets(ImapBodyPart part) =>
        $"({part.Begin},{part.HeadersEnd},{part.End},{part.Lines}"
        + string.Concat(part.Children.Select(Offsets))
        + (part.Message is { } m ? $"[{m.Begin},{m.HeadersEnd},{m.End}{Offsets(m.Body)}]" : "") + ")";
}
