using CloudMail.Protocols.Imap.Commands;
using CloudMail.Protocols.Imap.Model;
using CloudMail.Protocols.Imap.Parsing;

namespace CloudMail.Protocols.Tests.Imap;

/// <summary>The PREVIEW fetch-att and its LAZY modifier (RFC 8970 §7).</summary>
public class PreviewCommandTests
{
    private static FetchCommand Fetch(string input) =>
        Assert.IsType<FetchCommand>(Assert.IsType<ImapCommandReady>(Assert.Single(ReaderHarness.ReadWhole(input))).Command);

    private static ImapRejected Rejected(string input) => Assert.IsType<ImapRejected>(Assert.Single(ReaderHarness.ReadWhole(input)));

    [Theory]
    [InlineData("f FETCH 1 PREVIEW\r\n")]
    [InlineData("f FETCH 1 (PREVIEW)\r\n")]
    [InlineData("f FETCH 1 preview (lazy)\r\n")]
    [InlineData("f FETCH 1 (PREVIEW (LAZY))\r\n")]
    [InlineData("f FETCH 1 (PREVIEW (LAZY LAZY))\r\n")]
    public void Preview_with_and_without_lazy_is_one_item(string input) =>
        Assert.Equal(FetchItemKind.Preview, Assert.Single(Fetch(input).Items).Kind);

    [Fact]
    public void Preview_among_other_items_and_before_fetch_modifiers()
    {
        Assert.Equal([FetchItemKind.Uid, FetchItemKind.Preview, FetchItemKind.Flags],
            Fetch("f FETCH 1:* (UID PREVIEW (LAZY) FLAGS)\r\n").Items.Select(i => i.Kind));
        var modified = Fetch("f UID FETCH 1:* PREVIEW (CHANGEDSINCE 7)\r\n");
        Assert.Equal(FetchItemKind.Preview, modified.Items.Single(i => i.Kind != FetchItemKind.Uid).Kind);
        Assert.Equal(7UL, modified.ChangedSince);
    }

    [Theory]
    [InlineData("f FETCH 1 (PREVIEW (FUZZY))\r\n")]
    [InlineData("f FETCH 1 (PREVIEW (LAZY FUZZY))\r\n")]
    [InlineData("f FETCH 1 (PREVIEW (LAZY)\r\n")]
    [InlineData("f FETCH 1 PREVIEW (FUZZY)\r\n")]
    public void Unknown_or_unclosed_modifiers_are_rejected(string input) => Rejected(input);
}
