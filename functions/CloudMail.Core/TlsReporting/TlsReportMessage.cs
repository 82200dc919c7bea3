using System.IO.Compression;
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
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(report.OrganizationName, from));
        foreach (string address in to) message.To.Add(new MailboxAddress("", address));
        message.Subject = Subject(report);
        message.Date = now;
        message.MessageId = report.ReportId;
        message.Headers.Add("TLS-Report-Domain", report.PolicyDomain);
        message.Headers.Add("TLS-Report-Submitter", report.Submitter);
        message.Headers.Add("Auto-Submitted", "auto-generated");

        var text = new TextPart("plain")
        {
            Text = $"This is an aggregate TLS report (RFC 8460) from {report.OrganizationName} for {report.PolicyDomain}, " +
                   $"covering {report.Start:yyyy-MM-dd} UTC.\r\n",
        };
        var attachment = new MimePart("application", "tlsrpt+gzip")
        {
            Content = new MimeContent(new MemoryStream(Gzip(report.ToJson()))),
            ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
            ContentTransferEncoding = ContentEncoding.Base64,
            FileName = report.FileName,
        };
        message.Body = new MultipartReport("tlsrpt") { text, attachment };
        return message;
    }

    /// <summary>§5.3: <c>Report Domain: D Submitter: S Report-ID: &lt;id&gt;</c>.</summary>
    public static string Subject(TlsReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return $"Report Domain: {report.PolicyDomain} Submitter: {report.Submitter} Report-ID: <{report.ReportId}>";
    }

    private static byte[] Gzip(byte[] json)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true)) gzip.Write(json);
        return buffer.ToArray();
    }
}
