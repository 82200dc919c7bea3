using CloudMail.Protocols.Imap.Parsing;

namespace CloudMail.Protocols.Tests.Imap;

public class ImapUrlTests
{
    [Fact]
    public void Relative_url_with_section_from_RFC_4469_parses()
    {
        Assert.True(ImapUrl.TryParse("/INBOX;UIDVALIDITY=1/;UID=20/;SECTION=1.mime", out var url));
        Assert.Equal(new ImapUrl(null, null, "INBOX", 1u, 20u, "1.MIME"), url);
    }

    [Fact]
    public void Absolute_url_with_user_and_hierarchy_mailbox_parses()
    {
        Assert.True(ImapUrl.TryParse("imap://bob%40example.org;AUTH=*@mail.example.org/Archive/2026%20Q1/;UID=7", out var url));
        Assert.Equal(new ImapUrl("mail.example.org", "bob@example.org", "Archive/2026 Q1", null, 7u, null), url);
    }

    [Theory]
    [InlineData("/INBOX/;UID=3/;SECTION=HEADER", "HEADER")]
    [InlineData("/INBOX/;UID=3/;SECTION=2.1.TEXT", "2.1.TEXT")]
    [InlineData("/INBOX/;UID=3/;SECTION=2", "2")]
    public void Section_specs_of_RFC_3501_9_are_accepted(string text, string section)
    {
        Assert.True(ImapUrl.TryParse(text, out var url));
        Assert.Equal(section, url!.Section);
    }

    [Theory]
    [InlineData("/INBOX/;UID=1/;SECTION=1/;PARTIAL=0.10", "1", 0u, 10u)]
    [InlineData("/INBOX/;UID=1/;PARTIAL=100000.1", null, 100000u, 1u)]
    [InlineData("/INBOX/;UID=1/;SECTION=TEXT/;PARTIAL=7", "TEXT", 7u, uint.MaxValue)]
    public void Partial_ranges_of_RFC_5092_6_are_parsed(string text, string? section, uint offset, uint length)
    {
        Assert.True(ImapUrl.TryParse(text, out var url));
        Assert.Equal(section, url!.Section);
        Assert.Equal(new CloudMail.Protocols.Imap.Model.FetchPartial(offset, length), url.Partial);
    }

    [Theory]
    [InlineData("")]
    [InlineData("INBOX/;UID=1")]
    [InlineData("/INBOX")]
    [InlineData("/INBOX/;UID=0")]
    [InlineData("/INBOX/;UID=01")]
    [InlineData("/INBOX/;UID=x")]
    [InlineData("/INBOX/;UID=4294967296")]
    [InlineData("/INBOX;UIDVALIDITY=0/;UID=1")]
    [InlineData("/INBOX/;UID=1/;SECTION=")]
    [InlineData("/INBOX/;UID=1/;SECTION=MIME")]
    [InlineData("/INBOX/;UID=1/;SECTION=0.TEXT")]
    [InlineData("/INBOX/;UID=1/;SECTION=1/;PARTIAL=0.0")]
    [InlineData("/INBOX/;UID=1/;PARTIAL=")]
    [InlineData("/INBOX/;UID=1/;PARTIAL=01.2")]
    [InlineData("/INBOX/;UID=1/;PARTIAL=1.")]
    [InlineData("/INBOX/;UID=1;URLAUTH=anonymous")]
    [InlineData("/INBOX?SUBJECT%20x")]
    [InlineData("/IN%ZZBOX/;UID=1")]
    [InlineData("/IN%FFBOX/;UID=1")]
    [InlineData("/IN%01BOX/;UID=1")]
    [InlineData("/IN BOX/;UID=1")]
    [InlineData("imap:///INBOX/;UID=1")]
    [InlineData("imap://@host/INBOX/;UID=1")]
    [InlineData("/;UID=1")]
    public void Malformed_or_unsupported_urls_are_refused_for_BADURL(string text)
    {
        Assert.False(ImapUrl.TryParse(text, out var url));
        Assert.Null(url);
    }

    [Fact]
    public void Every_prefix_and_every_byte_split_never_throws()
    {
        const string full = "imap://u%C3%A9@h:143/Entw%C3%BCrfe;UIDVALIDITY=9/;UID=20/;SECTION=1.2.MIME";
        Assert.True(ImapUrl.TryParse(full, out var whole));
        Assert.Equal("Entwürfe", whole!.Mailbox);
        Assert.Equal("ué", whole.User);
        for (int i = 0; i <= full.Length; i++)
        {
            ImapUrl.TryParse(full[..i], out _);
            ImapUrl.TryParse(full[i..], out _);
        }
    }
}
