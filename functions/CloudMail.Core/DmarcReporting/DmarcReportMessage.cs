using CloudMail.Core.Reporting;
using MimeKit;

namespace CloudMail.Core.DmarcReporting;

/// <summary>
/// The mail that carries a <see cref="DmarcAggregateReport"/> (RFC 7489 §7.2.1.1): a short text part and the gzipped XML
/// as an <c>application/gzip</c> attachment named as §7.2.1.1 says, with the subject
/// <c>Report Domain: D Submitter: S Report-ID: &lt;id&gt;</c>. Pure.
/// </summary>
public static class DmarcReportMessage
{
    /// <summary>The attachment's media type (§7.2.1.1: gzip).</summary>
    public const string MediaType = "application/gzip";

    /// <summary>The message for <paramref name="report"/> from <paramref name="from"/> to <paramref name="to"/>, dated <paramref name="now"/>.</summary>
    public static MimeMessage Compose(DmarcAggregateReport report, byte[] gzippedXml, string from, IReadOnlyList<string> to, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(to);
        MimeMessage message = ReportMail.Headed(report.OrgName, from, to, Subject(report), report.ReportId, now);
        var text = new TextPart("plain")
        {
            Text = $"This is a DMARC aggregate report (RFC 7489) from {report.OrgName} for {report.PolicyDomain}, " +
                   $"covering {report.Start:yyyy-MM-dd} UTC.\r\n",
        };
        message.Body = new Multipart("mixed") { text, ReportMail.Attachment("application", "gzip", gzippedXml, report.FileName) };
        return message;
    }

    /// <summary>§7.2.1.1: <c>Report Domain: D Submitter: S Report-ID: &lt;id&gt;</c>.</summary>
    public static string Subject(DmarcAggregateReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return $"Report Domain: {report.PolicyDomain} Submitter: {report.Receiver} Report-ID: <{report.ReportId}>";
    }
}
