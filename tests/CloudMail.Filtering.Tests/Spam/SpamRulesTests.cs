using System.Text;
using CloudMail.Filtering.Spam;
using MimeKit;

namespace CloudMail.Filtering.Tests.Spam;

public sealed class SpamRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    private static MimeMessage Parse(string raw) => MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(raw)));

    private static string[] Rules(string raw) => [.. SpamRules.Evaluate(Parse(raw), Now).Select(h => h.Rule)];

    [Fact]
    public void A_normal_message_matches_nothing() =>
        Assert.Empty(Rules("From: a@remote.test\r\nTo: b@example.test\r\nSubject: lunch\r\nDate: Fri, 04 Dec 2026 10:00:00 +0000\r\nMessage-ID: <1@remote.test>\r\n\r\nsee you\r\n"));

    [Fact]
    public void Missing_header_fields_and_a_shouting_subject_are_counted() =>
        Assert.Equal(["MISSING_DATE", "MISSING_MID", "MISSING_FROM", "SUBJ_ALL_CAPS"], Rules("To: b@example.test\r\nSubject: FREE MONEY NOW!!!\r\n\r\nbuy\r\n"));

    [Fact]
    public void A_date_days_ahead_is_counted() =>
        Assert.Contains("DATE_IN_FUTURE", Rules("From: a@remote.test\r\nSubject: x\r\nDate: Mon, 01 Jan 2029 10:00:00 +0000\r\nMessage-ID: <1@r.test>\r\n\r\nx\r\n"));

    [Fact]
    public void Html_only_mail_with_a_link_that_shows_another_site_is_counted()
    {
        const string raw = "From: a@remote.test\r\nSubject: your bank\r\nDate: Fri, 04 Dec 2026 10:00:00 +0000\r\nMessage-ID: <1@r.test>\r\n"
            + "MIME-Version: 1.0\r\nContent-Type: text/html\r\n\r\n<p>Log in at <a href=\"http://evil.example.net/login\">https://www.mybank.test</a></p>\r\n";
        Assert.Equal(["HTML_ONLY", "LINK_TEXT_MISMATCH"], Rules(raw));
    }

    [Fact]
    public void A_link_whose_text_names_its_own_site_is_fine()
    {
        const string raw = "From: a@remote.test\r\nSubject: news\r\nDate: Fri, 04 Dec 2026 10:00:00 +0000\r\nMessage-ID: <1@r.test>\r\n"
            + "MIME-Version: 1.0\r\nContent-Type: text/html\r\n\r\n<a href=\"https://news.example.org/a\">example.org</a> <a href=\"https://x.test\">click here</a>\r\n";
        Assert.Equal(["HTML_ONLY"], Rules(raw));
    }

    [Fact]
    public void An_executable_attachment_is_counted_once()
    {
        var body = new BodyBuilder { TextBody = "invoice attached" };
        body.Attachments.Add("invoice.pdf.exe", [1, 2, 3]);
        body.Attachments.Add("setup.scr", [1, 2, 3]);
        var message = new MimeMessage([MailboxAddress.Parse("a@remote.test")], [MailboxAddress.Parse("b@example.test")], "invoice", body.ToMessageBody())
        {
            Date = Now,
            MessageId = "1@remote.test",
        };
        Assert.Equal(["EXECUTABLE_ATTACHMENT"], SpamRules.Evaluate(message, Now).Select(h => h.Rule));
    }
}
