using CloudMail.Core.Mailboxes.Structure;
using CloudMail.Listener.Imap.Messages;

namespace CloudMail.Listener.Tests.Imap;

/// <summary>The structure parser on bytes MimeKit cannot read (inputs found by fuzzing, tests/CloudMail.Fuzz).</summary>
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
}
