using System.Text;
using CloudMail.Core.Messages;

namespace CloudMail.Core.Tests.Messages;

/// <summary>The submission server's header edits: Bcc (folded lines too) out, missing fields in before the empty line.</summary>
public sealed class HeaderBlockEditTests
{
    private static string Rewrite(string block, bool removeBcc, params string[] added) =>
        Encoding.ASCII.GetString(HeaderBlockEdit.Rewrite(Encoding.ASCII.GetBytes(block), removeBcc, added));

    [Fact]
    public void Bcc_fields_and_their_continuation_lines_go_and_every_other_byte_stays()
    {
        const string Block = "Resent-Bcc: redirected-hidden@x.test\r\nResent-To: r@x.test\r\nFrom: a@x.test\r\nBcc: hidden@x.test,\r\n\tsecond@x.test\r\n" +
                             "To:  b@x.test \r\nbcc :third@x.test\r\nX-Bcc: kept\r\n\r\n";

        Assert.Equal("Resent-To: r@x.test\r\nFrom: a@x.test\r\nTo:  b@x.test \r\nX-Bcc: kept\r\n\r\n", Rewrite(Block, removeBcc: true));
        Assert.Equal(Block, Rewrite(Block, removeBcc: false));
    }

    [Theory]
    [InlineData("Subject: s\r\n\r\n", "Subject: s\r\nDate: d\r\nMessage-ID: <m@h>\r\n\r\n")]
    [InlineData("Subject: s\n\n", "Subject: s\nDate: d\r\nMessage-ID: <m@h>\r\n\n")] // a bare LF empty line
    [InlineData("Subject: s", "Subject: s\r\nDate: d\r\nMessage-ID: <m@h>\r\n")] // no empty line at all
    [InlineData("\r\n", "Date: d\r\nMessage-ID: <m@h>\r\n\r\n")] // an empty header
    public void Added_fields_go_before_the_empty_line(string block, string expected) =>
        Assert.Equal(expected, Rewrite(block, removeBcc: false, "Date: d", "Message-ID: <m@h>"));
}
