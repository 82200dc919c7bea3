using System.Buffers;
using System.Text;
using CloudMail.Protocols.Imap;
using CloudMail.Protocols.Imap.Model;
using CloudMail.Protocols.Imap.Parsing;
using CloudMail.Protocols.Imap.Writing;

namespace CloudMail.Protocols.Tests.Imap;

public class ImapEncodingTests
{
    [Theory]
    [InlineData("INBOX", "INBOX")]
    [InlineData("Entwürfe", "Entw&APw-rfe")]
    [InlineData("Tom & Jerry", "Tom &- Jerry")]
    [InlineData("~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-")]
    [InlineData("☺!", "&Jjo-!")]
    public void Modified_utf7_round_trips_per_RFC_3501_5_1_3(string name, string wire)
    {
        Assert.Equal(wire, ModifiedUtf7.Encode(name));
        Assert.True(ModifiedUtf7.TryDecode(Encoding.ASCII.GetBytes(wire), out string decoded));
        Assert.Equal(name, decoded);
    }

    [Theory]
    [InlineData("&Jjo")]
    [InlineData("&Jj!-")]
    [InlineData("&AAA-")]
    [InlineData("a\u0001b")]
    public void Malformed_modified_utf7_is_refused(string wire)
    {
        Assert.False(ModifiedUtf7.TryDecode(Encoding.Latin1.GetBytes(wire), out _));
    }

    private static string Write(Action<ImapResponseWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(new ImapResponseWriter(buffer));
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Fact]
    public void Writer_picks_atom_quoted_or_literal_by_content()
    {
        Assert.Equal("INBOX", Write(w => w.AString("INBOX")));
        Assert.Equal("\"a b\"", Write(w => w.AString("a b")));
        Assert.Equal("\"NIL\"", Write(w => w.AString("NIL")));
        Assert.Equal("\"\"", Write(w => w.AString("")));
        Assert.Equal("\"say \\\"hi\\\" \\\\o/\"", Write(w => w.String("say \"hi\" \\o/")));
        Assert.Equal("{6}\r\nGrüß", Write(w => w.String("Grüß")));
        Assert.Equal("{4}\r\na\r\nb", Write(w => w.String("a\r\nb")));
        Assert.Equal("NIL", Write(w => w.NString(null)));
        string longest = new('q', ImapResponseWriter.MaxQuotedLength);
        Assert.Equal("\"" + longest + "\"", Write(w => w.String(longest)));
        Assert.Equal("{1025}\r\n" + longest + "q", Write(w => w.String(longest + "q")));
        Assert.Equal("{3}\r\na\u007fb", Write(w => w.String("a\u007fb"))); // DEL is not a quoted character
        Assert.Equal("\"Subject: 100% ~ok {1} \\\\\"", Write(w => w.String("Subject: 100% ~ok {1} \\")));
    }

    [Fact]
    public void Mailbox_names_are_written_in_modified_utf7()
    {
        Assert.Equal("Entw&APw-rfe", Write(w => w.Mailbox("Entwürfe")));
        Assert.Equal("\"My Mail\"", Write(w => w.Mailbox("My Mail")));
    }

    [Fact]
    public void Status_responses_carry_code_and_safe_text()
    {
        Assert.Equal("a1 NO [TRYCREATE] No such mailbox\r\n", Write(w => w.Tagged("a1", ImapStatus.No, ImapResponseCodes.TryCreate, "No such mailbox")));
        Assert.Equal("* BAD bad?line\r\n", Write(w => w.Reply(null, ImapStatus.Bad, null, "bad\nline")));
        Assert.Equal("+ Ready for literal\r\n", Write(w => w.Continuation("Ready for literal")));
        Assert.Equal("a2 OK  [not a code]\r\n", Write(w => w.Tagged("a2", ImapStatus.Ok, null, "[not a code]")));
        Assert.Equal("a3 OK OK\r\n", Write(w => w.Tagged("a3", ImapStatus.Ok, null, "")));
    }

    [Fact]
    public void Sequence_sets_resolve_star_and_reversed_ranges()
    {
        var set = new SequenceSet([new SequenceRange(5, 2), new SequenceRange(9, SequenceRange.Star)]);
        Assert.True(set.Contains(3, 20));
        Assert.True(set.Contains(20, 20));
        Assert.False(set.Contains(7, 20));
        // RFC 3501 §6.4.8: "*" is the largest value in use, so 9:* with largest 4 means 4:9.
        Assert.True(set.Contains(4, 4));
        Assert.Equal("1:3,5,7:8", SequenceSet.Format([1, 2, 3, 5, 7, 8]));
        Assert.Equal("", SequenceSet.Format([]));
    }

    [Fact]
    public void Line_reader_reads_DONE_in_pieces_and_drops_overlong_lines()
    {
        var reader = new ImapLineReader(16);
        var a = new ReadOnlySequence<byte>("DO"u8.ToArray());
        Assert.Equal(ImapLineStatus.NeedMoreData, reader.Read(ref a, out _));
        var b = new ReadOnlySequence<byte>("NE\r\nnext"u8.ToArray());
        Assert.Equal(ImapLineStatus.Line, reader.Read(ref b, out string line));
        Assert.Equal("DONE", line);
        Assert.Equal("next", Encoding.ASCII.GetString(b.ToArray()));
        var c = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(new string('x', 40) + "\r\nok\r\n"));
        Assert.Equal(ImapLineStatus.TooLong, reader.Read(ref c, out _));
        Assert.Equal(ImapLineStatus.Line, reader.Read(ref c, out line));
        Assert.Equal("ok", line);
    }
}
