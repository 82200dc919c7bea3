using CloudMail.Core.Mailboxes.Structure;
using CloudMail.Listener.Imap.Messages;

namespace CloudMail.Listener.Tests.Imap;

/// <summary>
/// The structure parser on bytes MimeKit cannot read (inputs found by fuzzing, tests/CloudMail.Fuzz), and where it follows
/// Dovecot (compared side by side over IMAP): line counts and address lists with a malformed entry.
/// </summary>
public sealed class MessageStructureParserTests
{
    /// <summary>A header block MimeKit refuses ("Failed to parse message headers"): found by build/fuzz.sh, target message-structure.</summary>
    private static readonly byte[] UnreadableHeader = Convert.FromBase64String("RolvbTogIj0iIDxhdHRlbnQtVHJhbnNmZXItamVjdDpyc3x8fHx8fHx8fHx8fHx8fHxpb246IDUuMDwKQvUAACBuby1UeXBlOiBtdad0aXBhcnQvZDsgYm91bmRhcnk9eA0KDQotLXgNCkNvbnRlbnQtVHlwZTogdGV4dC+cbGFpbjsgY2hhciJldD04DQoNbG8NCi0teA0KQ29udGVudC1UeXBlOgZhZWFtO2U9YS4KK29uPg0KVG86IHN0DQpTdU5FbmNvZGluZzoqYmFzZTY0DQo=");

    [Fact]
    public async Task An_unreadable_header_block_gives_no_structure_instead_of_an_exception()
    {
        Assert.Null(await MessageStructureParser.TryParseAsync(new MemoryStream(UnreadableHeader), CancellationToken.None));
        var fallback = MessageStructureParser.Fallback(UnreadableHeader.Length);
        Assert.Equal(("text", "plain", (long)UnreadableHeader.Length), (fallback.Message.Body.Type, fallback.Message.Body.Subtype, fallback.Size));
    }

    [Fact]
    public async Task A_readable_message_still_parses()
    {
        byte[] message = "Subject: ok\r\nContent-Type: text/html\r\n\r\n<p>hi</p>\r\n"u8.ToArray();
        var structure = await MessageStructureParser.TryParseAsync(new MemoryStream(message), CancellationToken.None);
        Assert.NotNull(structure);
        Assert.Equal("html", structure.Message.Body.Subtype);
    }

    [Theory]
    [InlineData("hello\r\n--b\r\n", 0)] // the CRLF before the delimiter belongs to the delimiter (RFC 2046 §5.1.1)
    [InlineData("hello\r\nworld\r\n\r\n--b\r\n", 2)]
    [InlineData("one line\r\n\r\n--b\r\n", 1)]
    public async Task A_part_counts_its_line_ends(string content, int lines)
    {
        byte[] message = System.Text.Encoding.ASCII.GetBytes("Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n"
            + content.Replace("--b\r\n", "--b--\r\n", StringComparison.Ordinal));
        var structure = await MessageStructureParser.TryParseAsync(new MemoryStream(message), CancellationToken.None);
        Assert.Equal(lines, Assert.Single(structure!.Message.Body.Children).Lines);
    }

    [Fact]
    public async Task A_malformed_entry_in_an_address_list_leaves_the_others()
    {
        byte[] message = "From: a@x.test\r\nTo: <@route.test:r@x.test>, empty <>, \"Smith, J\" <j@y.test>, Team: t1@z.test, t2@z.test;\r\n\r\nb\r\n"u8.ToArray();
        var structure = await MessageStructureParser.TryParseAsync(new MemoryStream(message), CancellationToken.None);
        var to = structure!.Message.Envelope.To!;
        Assert.Equal(["r@x.test", "j@y.test", "t1@z.test", "t2@z.test"],
            to.Where(a => a.Mailbox is not null && a.Host is not null).Select(a => a.Mailbox + "@" + a.Host));
        Assert.Contains(to, a => a.Name == "Smith, J");
    }

    [Fact]
    public async Task A_folded_comment_taken_as_the_display_name_is_unfolded()
    {
        // A comment after the address is the name (as in Dovecot); its fold is not part of it (RFC 5322 §2.2.3), so the
        // ENVELOPE carries "Judy Jones", not an encoded-word holding a CRLF.
        byte[] message = "From: a@x.test\r\nCc: judy@example.com (Judy\r\n Jones), \"Bob\r\n Smith\" <bob@example.com>\r\n\r\nb\r\n"u8.ToArray();
        var structure = await MessageStructureParser.TryParseAsync(new MemoryStream(message), CancellationToken.None);
        Assert.Equal(["Judy Jones", "Bob Smith"], structure!.Message.Envelope.Cc!.Select(a => a.Name));
    }
}
