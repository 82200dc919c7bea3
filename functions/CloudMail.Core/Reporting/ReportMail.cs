using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using CloudMail.Core.Blobs;
using CloudMail.Core.Delivery;
using CloudMail.Core.Messages;
using CloudMail.Core.Queue;
using MimeKit;

namespace CloudMail.Core.Reporting;

/// <summary>
/// How the daily reports (TLS-RPT, RFC 8460; DMARC aggregate, RFC 7489 §7.2) go out: the report mail goes through the
/// accept path as <see cref="BounceSubmitter"/> sends notifications, the message into the blob store and its job on the
/// inbound queue, from where routing queues it for remote delivery. The envelope has the null reverse-path (RFC 5321
/// §4.5.5): a report that cannot be delivered is never bounced. The message id derives from the report id, so a run
/// repeated after a crash submits one report.
/// </summary>
public sealed class ReportMail(IMessageBlobStore blobs, IMailQueue queue, BounceSubmitter bounces, TimeProvider time)
{
    /// <summary>The reporting MTA's name (<see cref="BounceSubmitter.ReportingMta"/>).</summary>
    public string ReportingMta => bounces.ReportingMta;

    /// <summary>
    /// Submits the message <paramref name="compose"/> makes (given the submission time) to <paramref name="to"/>; returns
    /// its message id, <see cref="IdOf"/> of <paramref name="label"/> and <paramref name="reportId"/>. Storage failures propagate.
    /// </summary>
    public async Task<string> SubmitAsync(string label, string reportId, IReadOnlyList<string> to, Func<DateTimeOffset, MimeMessage> compose,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(compose);
        string id = IdOf(label, reportId);
        DateTimeOffset now = time.GetUtcNow();
        var envelope = new Envelope("", [.. to], bounces.Submitter, "127.0.0.1", bounces.ReportingMta, now);
        await GeneratedMessages.SubmitAsync(blobs, queue, id, envelope, _ => Task.FromResult(compose(now)), cancellationToken).ConfigureAwait(false);
        return id;
    }

    /// <summary>
    /// The message id of a report's mail: 28 hex digits of SHA-256 of <paramref name="label"/> (one per kind of report), a
    /// line feed and <paramref name="reportId"/> (see <see cref="MessageIds.IsValid"/>).
    /// </summary>
    public static string IdOf(string label, string reportId)
    {
        ArgumentNullException.ThrowIfNull(label);
        ArgumentNullException.ThrowIfNull(reportId);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(label + "\n" + reportId)).AsSpan(0, 14));
    }

    /// <summary><paramref name="content"/> gzipped (RFC 1952), as both report formats attach it.</summary>
    public static byte[] Gzip(byte[] content)
    {
        ArgumentNullException.ThrowIfNull(content);
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true)) gzip.Write(content);
        return buffer.ToArray();
    }

    /// <summary>A base64 attachment of media type <paramref name="mediaType"/>/<paramref name="mediaSubtype"/> named <paramref name="fileName"/>.</summary>
    public static MimePart Attachment(string mediaType, string mediaSubtype, byte[] content, string fileName) => new(mediaType, mediaSubtype)
    {
        Content = new MimeContent(new MemoryStream(content)),
        ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
        ContentTransferEncoding = ContentEncoding.Base64,
        FileName = fileName,
    };

    /// <summary>
    /// A report message's header: From <paramref name="fromName"/> &lt;<paramref name="from"/>&gt;, To each of <paramref name="to"/>,
    /// <paramref name="subject"/>, dated <paramref name="now"/>, Message-ID <paramref name="messageId"/>, and
    /// <c>Auto-Submitted: auto-generated</c> (RFC 3834 §5: no automatic replies to it). The caller adds the body.
    /// </summary>
    public static MimeMessage Headed(string fromName, string from, IReadOnlyList<string> to, string subject, string messageId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(to);
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(fromName, from));
        foreach (string address in to) message.To.Add(new MailboxAddress("", address));
        message.Subject = subject;
        message.Date = now;
        message.MessageId = messageId;
        message.Headers.Add("Auto-Submitted", "auto-generated");
        return message;
    }
}
