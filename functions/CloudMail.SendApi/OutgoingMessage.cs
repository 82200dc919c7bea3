using MimeKit;

namespace CloudMail.SendApi;

/// <summary>
/// A send request whose values have all been checked: addresses parse, header values are clean, attachments
/// are decoded. <see cref="MimeMessageFactory"/> turns it into MIME; the handler takes the envelope from it.
/// </summary>
/// <param name="Recipients">Envelope recipients: to, cc and bcc addr-specs, lower-cased, first occurrence kept.</param>
public sealed record OutgoingMessage(
    MailboxAddress From,
    IReadOnlyList<MailboxAddress> To,
    IReadOnlyList<MailboxAddress> Cc,
    MailboxAddress? ReplyTo,
    string Subject,
    string? Text,
    string? Html,
    IReadOnlyList<DecodedAttachment> Attachments,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    IReadOnlyList<string> Recipients)
{
    /// <summary>The envelope sender (MAIL FROM): the From addr-spec, lower-cased.</summary>
    public string MailFrom => From.Address.ToLowerInvariant();
}

/// <summary>An attachment after base64 decoding.</summary>
public sealed record DecodedAttachment(string Filename, ContentType ContentType, byte[] Content);
