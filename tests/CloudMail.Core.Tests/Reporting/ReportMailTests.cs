using System.Security.Cryptography;
using System.Text;
using CloudMail.Core.Messages;
using CloudMail.Core.Reporting;

namespace CloudMail.Core.Tests.Reporting;

/// <summary>The parts the daily report mails share: message ids from report ids, and the report's header.</summary>
public sealed class ReportMailTests
{
    [Fact]
    public void The_message_id_is_a_valid_id_derived_from_the_kind_and_report_id_alone()
    {
        string id = ReportMail.IdOf("cloudmail/tlsrpt/v1", "20261203.b.test@mail.a.test");

        Assert.True(MessageIds.IsValid(id));
        Assert.Equal(id, ReportMail.IdOf("cloudmail/tlsrpt/v1", "20261203.b.test@mail.a.test"));
        Assert.NotEqual(id, ReportMail.IdOf("cloudmail/dmarc-aggregate/v1", "20261203.b.test@mail.a.test"));
        // The ids TLS reports had before the shared code: a report submitted again after an upgrade keeps its id.
        string before = Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes("cloudmail/tlsrpt/v1\n20261203.b.test@mail.a.test")).AsSpan(0, 14));
        Assert.Equal(before, id);
    }

    [Fact]
    public void Report_mail_is_marked_auto_generated()
    {
        var now = new DateTimeOffset(2026, 12, 4, 1, 0, 0, TimeSpan.Zero);
        var message = ReportMail.Headed("Org", "r@a.test", ["x@b.test", "y@c.test"], "S", "id@a.test", now);

        Assert.Equal(("r@a.test", "S", "id@a.test", "auto-generated"), (message.From.Mailboxes.Single().Address, message.Subject, message.MessageId, message.Headers["Auto-Submitted"]));
        Assert.Equal(["x@b.test", "y@c.test"], message.To.Mailboxes.Select(m => m.Address));
    }
}
