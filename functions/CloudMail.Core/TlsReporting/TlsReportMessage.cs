using CloudMail.Core.Reporting;
using MimeKit;

namespace CloudMail.Core.TlsReporting;

/// <summary>
/// The mail that carries a <see cref="TlsReport"/> (RFC 8460 §5.3): <c>multipart/report; report-type="tlsrpt"</c> of a
/// short text part and the gzipped JSON as <c>application/tlsrpt+gzip</c> (§6.4) named as §5.1 says, with the
/// <c>TLS-Report-Domain</c> and <c>TLS-Report-Submitter</c> headers and the subject
/// <c>Report Domain: D Submitter: S Report-ID: &lt;id&gt;</c>. Pure.
/// </summary>
public static class TlsReportMessage
{
    /// <summary>The attachment's media type (RFC 8460 §6.4).</summary>
    public const string MediaType = "application/tlsrpt+gzip";

    /// <summary>The message for <paramref name="report"/> from <paramref name="from"/> to <paramref name="to"/>, dated <paramref name="now"/>.</summary>
    public static MimeMessage Compose(TlsReport report, string from, IReadOnlyList<string> to, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(to);
        MimeMessage message = ReportMail.Headed(report.OrganizationName, from, to, Subject(report), report.ReportId, now);
        message.Headers.Add("TLS-Report-Domain", report.PolicyDomain);
        message.Headers.Add("TLS-Report-Submitter", report.Submitter);

        var text = new TextPart("plain")
        {
            Text = $"This is an aggregate TLS report (RFC 8460) from {report.OrganizationName} for {report.PolicyDomain}, " +
                   $"covering {report.Start:yyyy-MM-dd} UTC.\r\n",
        };
        var attachment = ReportMail.Attachment("application", "tlsrpt+gzip", ReportMail.Gzip(report.ToJson()), report.FileName);
        message.Body = new MultipartReport("tlsrpt") { text, attachment };
        return message;
    }

    /// <summary>§5.3: <c>Report Domain: D Submitter: S Report-ID: &lt;id&gt;</c>.</summary>
    public static string Subject(TlsReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return $"Report Domain: {report.PolicyDomain} Submitter: {report.Submitter} Report-ID: <{report.ReportId}>";
    }
}
