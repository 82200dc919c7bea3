using System.Buffers;
using System.Text;
using CloudMail.Protocols.Imap;
using CloudMail.Protocols.Imap.Commands;
using CloudMail.Protocols.Imap.Parsing;
using CloudMail.Protocols.Imap.Writing;

namespace CloudMail.Protocols.Tests.Imap;

/// <summary>UTF8=ACCEPT (RFC 6855): what changes in the reader and the writer once a client enabled it.</summary>
public class ImapUtf8AcceptTests
{
    private static List<ImapReadResult> Read(string input, bool utf8Accept)
    {
        var reader = new ImapCommandReader(ImapReaderLimits.Default) { Utf8Accept = utf8Accept };
        var sequence = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(input));
        var results = new List<ImapReadResult>();
        while (true)
        {
            var result = reader.Read(ref sequence);
            if (result is ImapNeedMoreData) return results;
            results.Add(result);
            if (result is ImapAppendLiteralStarting start)
            {
                sequence = sequence.Slice(start.Size);
                reader.LiteralStreamed(start.Size);
            }
        }
    }

    [Theory]
    [InlineData("a APPEND INBOX {3}\r\nx\nyz\r\n", false)]        // a literal: text, its line ends may be repaired
    [InlineData("a APPEND INBOX ~{3}\r\nx\nyz\r\n", true)]        // a literal8 (RFC 3516 §4.4): possibly binary content
    [InlineData("a APPEND INBOX UTF8 (~{3}\r\nx\nyz)\r\n", false)] // RFC 6855 §4: a UTF-8 message, text again
    public void An_append_message_says_whether_it_came_as_a_binary_literal8(string input, bool binary)
    {
        var start = Assert.Single(Read(input, utf8Accept: true).OfType<ImapAppendLiteralStarting>());
        Assert.Equal(binary, start.Binary);
    }

    [Fact]
    public void Mailbox_names_are_utf8_and_an_ampersand_is_just_a_character()
    {
        var create = Assert.IsType<CreateCommand>(Assert.IsType<ImapCommandReady>(Read("c CREATE \"Été & Co\"\r\n", utf8Accept: true).Single()).Command);
        Assert.Equal(("Été & Co", false), (create.Mailbox, create.EightBit));
        // Without UTF8=ACCEPT the same bytes are refused (RFC 3501 §5.1: not modified UTF-7).
        Assert.Equal(ImapStatus.No, Assert.IsType<ImapRejected>(Read("c CREATE \"Été & Co\"\r\n", utf8Accept: false).Single()).Status);
    }

    [Fact]
    public void Invalid_utf8_in_a_mailbox_name_is_refused_with_no()
    {
        var reader = new ImapCommandReader(ImapReaderLimits.Default) { Utf8Accept = true };
        var sequence = new ReadOnlySequence<byte>([.. "s SELECT \""u8, 0xC3, 0x28, .. "\"\r\n"u8]);
        var rejected = Assert.IsType<ImapRejected>(reader.Read(ref sequence));
        Assert.Equal(ImapStatus.No, rejected.Status);
        Assert.Contains("UTF-8", rejected.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Append_takes_utf8_data_once_enabled()
    {
        var results = Read("a APPEND INBOX (\\Seen) UTF8 (~{5+}\r\nhello) UTF8 (~{3+}\r\nbye)\r\n", utf8Accept: true);
        Assert.Equal([5L, 3L], results.OfType<ImapAppendLiteralStarting>().Select(s => s.Size));
        var append = Assert.IsType<AppendCommand>(Assert.IsType<ImapCommandReady>(results[^1]).Command);
        Assert.Equal(["\\Seen"], append.Messages[0].Flags);
        Assert.Equal(2, append.Messages.Count);
    }

    [Fact]
    public void Append_utf8_data_without_enable_is_bad()
    {
        var results = Read("a APPEND INBOX UTF8 (~{5+}\r\nhello)\r\n", utf8Accept: false);
        var rejected = Assert.IsType<ImapRejected>(results[^1]);
        Assert.Equal(ImapStatus.Bad, rejected.Status);
        Assert.Contains("ENABLE UTF8=ACCEPT", rejected.Text, StringComparison.Ordinal); // what the client must do, not "Expected a literal"
    }

    [Fact]
    public void Writer_sends_mailbox_names_as_utf8_instead_of_modified_utf7()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var w = new ImapResponseWriter(buffer);
        w.Mailbox("Été");
        w.Utf8MailboxNames = true;
        w.Raw(" ").Mailbox("Été");
        Assert.Equal("&AMk-t&AOk- {5}\r\nÉté", Encoding.UTF8.GetString(buffer.WrittenSpan));
    }
}
