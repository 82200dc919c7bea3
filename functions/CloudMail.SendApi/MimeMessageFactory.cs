using System.Text;
using CloudMail.Core.Messages;
using MimeKit;
using MimeKit.Text;

namespace CloudMail.SendApi;

/// <summary>
/// Builds the MIME message for a validated JSON request (RFC 5322, RFC 2045-2049):
/// text or html alone is a single part; both make <c>multipart/alternative</c> (text first, RFC 2046 §5.1.4);
/// attachments wrap the body in <c>multipart/mixed</c> as base64 parts with <c>Content-Disposition: attachment</c>.
/// Bcc is never written (it lives in the envelope only). Date and Message-ID are set by the server; the
/// Message-ID uses the sender's domain. Output is 7-bit with CRLF line endings.
/// </summary>
public static class MimeMessageFactory
{
    /// <summary>CRLF output as SMTP and IMAP expect, whatever the platform.</summary>
    public static readonly FormatOptions WireFormat = CreateWireFormat();

    public static MimeMessage Build(OutgoingMessage message, string messageId, DateTimeOffset date)
    {
        var mime = new MimeMessage();
        mime.From.Add(message.From);
        mime.To.AddRange(message.To);
        mime.Cc.AddRange(message.Cc);
        if (message.ReplyTo is not null) mime.ReplyTo.Add(message.ReplyTo);
        mime.Subject = message.Subject;
        mime.Date = date;
        mime.MessageId = $"{messageId}@{MailAddresses.DomainOf(message.From.Address)}";
        foreach (var (name, value) in message.Headers) mime.Headers.Add(name, value);
        mime.Body = BuildBody(message);
        return mime;
    }

    private static MimeEntity BuildBody(OutgoingMessage message)
    {
        MimeEntity? body = (message.Text, message.Html) switch
        {
            ({ } text, { } html) => new MultipartAlternative { TextBody(TextFormat.Plain, text), TextBody(TextFormat.Html, html) },
            ({ } text, null) => TextBody(TextFormat.Plain, text),
            (null, { } html) => TextBody(TextFormat.Html, html),
            _ => null,
        };
        if (message.Attachments.Count == 0) return body ?? TextBody(TextFormat.Plain, string.Empty);
        var mixed = new Multipart("mixed");
        if (body is not null) mixed.Add(body);
        foreach (var attachment in message.Attachments) mixed.Add(Attachment(attachment));
        return mixed;
    }

    private static TextPart TextBody(TextFormat format, string text)
    {
        string canonical = ToCrLf(text);
        var part = new TextPart(format);
        part.SetText(Encoding.UTF8, canonical);
        part.ContentTransferEncoding = IsSevenBitSafe(canonical) ? ContentEncoding.SevenBit : ContentEncoding.QuotedPrintable;
        return part;
    }

    private static MimePart Attachment(DecodedAttachment attachment) => new(attachment.ContentType)
    {
        Content = new MimeContent(new MemoryStream(attachment.Content, writable: false)),
        ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
        ContentTransferEncoding = ContentEncoding.Base64,
        FileName = attachment.Filename,
    };

    /// <summary>Canonical text form (RFC 2046 §4.1.1): every line break is CRLF.</summary>
    internal static string ToCrLf(string text) =>
        text.Contains('\r') || text.Contains('\n') ? text.Replace("\r\n", "\n").Replace('\r', '\n').Replace("\n", "\r\n") : text;

    /// <summary>ASCII without NUL and no line longer than 998 octets (RFC 5322 §2.1.1), so 7bit needs no encoding.</summary>
    private static bool IsSevenBitSafe(string text)
    {
        int lineLength = 0;
        foreach (char c in text)
        {
            if (c > '\u007f' || c == '\0') return false;
            lineLength = c == '\n' ? 0 : lineLength + 1;
            if (lineLength > 998) return false;
        }
        return true;
    }

    private static FormatOptions CreateWireFormat()
    {
        var options = FormatOptions.Default.Clone();
        options.NewLineFormat = NewLineFormat.Dos;
        return options;
    }
}
