using MimeKit;

namespace CloudMail.Delivery;

/// <summary>
/// Whether a message holds UTF-8 header fields (RFC 6532) at any level of its MIME structure, the case in which a message
/// received with SMTPUTF8 needs the extension at the next hop too (RFC 6531 §3.2).
/// </summary>
internal static class Utf8HeaderFields
{
    /// <summary>A header field of <paramref name="message"/>, of one of its parts or of a message inside it has a byte above 127.</summary>
    public static bool In(MimeMessage message) => Any(message.Headers) || (message.Body is { } body && In(body));

    private static bool In(MimeEntity entity) => Any(entity.Headers) || entity switch
    {
        Multipart multipart => multipart.Any(In),
        MessagePart { Message: { } inner } => In(inner),
        _ => false,
    };

    private static bool Any(HeaderList headers) => headers.Any(h => !System.Text.Ascii.IsValid(h.RawValue));
}
