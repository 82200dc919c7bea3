using System.Text;
using CloudMail.Core.Mailboxes.Search;
using MimeKit;

namespace CloudMail.Core.Tests.Mailboxes;

/// <summary>The preview text of IMAP PREVIEW (RFC 8970 §2).</summary>
public sealed class MessagePreviewTests
{
    private static MimeMessage Parse(string raw) => MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(raw)));

    [Fact]
    public void Plain_text_is_folded_to_single_spaces_and_trimmed()
    {
        var message = Parse("Subject: s\r\n\r\n\r\n  Hello   there,\r\n\r\n\tsee you\r\n  \r\n");
        Assert.Equal("Hello there, see you", MessagePreview.Of(message));
    }

    [Fact]
    public void The_plain_alternative_is_preferred_and_html_alone_is_turned_into_text()
    {
        var alternative = Parse("Subject: s\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n" +
            "--b\r\nContent-Type: text/plain\r\n\r\nPlain words\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>Html <b>words</b></p>\r\n--b--\r\n");
        Assert.Equal("Plain words", MessagePreview.Of(alternative));

        var html = Parse("Subject: s\r\nMIME-Version: 1.0\r\nContent-Type: text/html\r\n\r\n<html><body><p>Only <b>html</b> here</p></body></html>\r\n");
        Assert.Equal("Only html here", MessagePreview.Of(html));
    }

    [Fact]
    public void Attachments_are_not_previewed_and_no_text_gives_an_empty_preview()
    {
        var attachmentOnly = Parse("Subject: s\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n" +
            "--b\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename=a.txt\r\n\r\nsecret file\r\n--b--\r\n");
        Assert.Equal("", MessagePreview.Of(attachmentOnly));
        Assert.Equal("", MessagePreview.Of(Parse("Subject: empty\r\n\r\n")));
    }

    [Fact]
    public void Quoted_printable_and_charsets_are_decoded()
    {
        var message = Parse("Subject: s\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=iso-8859-1\r\n" +
            "Content-Transfer-Encoding: quoted-printable\r\n\r\nGr=FC=DFe aus K=F6ln\r\n");
        Assert.Equal("Grüße aus Köln", MessagePreview.Of(message));
    }

    [Fact]
    public void Long_text_is_cut_at_256_characters_never_inside_a_surrogate_pair()
    {
        string words = string.Concat(Enumerable.Repeat("word ", 200));
        string preview = MessagePreview.Of(Parse("Subject: s\r\n\r\n" + words + "\r\n"));
        Assert.True(preview.Length <= MessagePreview.MaxChars);
        Assert.StartsWith("word word", preview);

        string emoji = new string('a', 255) + "😀😀";
        string cut = MessagePreview.Fold(emoji);
        Assert.Equal(new string('a', 255), cut);
        Assert.Equal(new string('a', 254) + "😀", MessagePreview.Fold(new string('a', 254) + "😀😀"));
    }
}
