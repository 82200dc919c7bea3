using System.Text;
using CloudMail.Protocols.Imap.Commands;
using CloudMail.Protocols.Imap.Parsing;

namespace CloudMail.Protocols.Tests.Imap;

/// <summary>APPEND ... CATENATE (RFC 4469 §5), alone and inside MULTIAPPEND (RFC 3502).</summary>
public class CatenateCommandTests
{
    [Fact]
    public void Catenate_parts_and_a_streamed_message_parse_in_order()
    {
        var results = ReaderHarness.ReadWhole("a APPEND INBOX (\\Seen) CATENATE (TEXT {4+}\r\nhead URL \"/INBOX/;UID=1\" TEXT ~{2+}\r\nxy) {5+}\r\nplain\r\n");

        var append = Assert.IsType<AppendCommand>(Assert.IsType<ImapCommandReady>(results[^1]).Command);
        Assert.Equal(2, append.Messages.Count);
        var parts = append.Messages[0].Catenate!;
        Assert.Equal(["\\Seen"], append.Messages[0].Flags);
        Assert.Equal("head", Encoding.ASCII.GetString(parts[0].Text!));
        Assert.Equal("/INBOX/;UID=1", parts[1].Url);
        Assert.Equal("xy", Encoding.ASCII.GetString(parts[2].Text!));
        Assert.Null(append.Messages[1].Catenate);
        Assert.Equal(5, append.Messages[1].Size);
        // The plain message after the CATENATE one is the first streamed message.
        Assert.Equal(0, Assert.Single(results.OfType<ImapAppendLiteralStarting>()).Index);
    }

    [Theory]
    [InlineData("a APPEND INBOX CATENATE ()\r\n")]
    [InlineData("a APPEND INBOX CATENATE (BOGUS \"x\")\r\n")]
    [InlineData("a APPEND INBOX CATENATE (URL)\r\n")]
    [InlineData("a APPEND INBOX CATENATE (TEXT \"quoted\")\r\n")]
    [InlineData("a APPEND INBOX CATENATE (URL \"/INBOX/;UID=1\"\r\n")]
    public void Malformed_catenate_is_rejected_without_throwing(string input)
    {
        var results = ReaderHarness.ReadWhole(input);

        Assert.IsType<ImapRejected>(results[^1]);
    }

    [Theory]
    [InlineData("/INBOX/;UID=1/;SECTION=1.MIME", "[1] Mime")]
    [InlineData("/INBOX/;UID=1/;SECTION=HEADER", "[] Header")]
    [InlineData("/INBOX/;UID=1/;SECTION=2.TEXT", "[2] Text")]
    [InlineData("/INBOX/;UID=1", "[] None")]
    public void Url_section_reads_as_a_fetch_body_section(string text, string expected)
    {
        Assert.True(ImapUrl.TryParse(text, out var url));

        var section = url!.ToBodySection();

        Assert.Equal(expected, $"[{string.Join('.', section.Part)}] {section.Text}");
    }
}
