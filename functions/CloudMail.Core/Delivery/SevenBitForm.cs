using MimeKit;
using MimeKit.Cryptography;

namespace CloudMail.Core.Delivery;

/// <summary>
/// Converts the 8-bit and binary bodies of a message to a 7-bit content-transfer-encoding, the MIME-equivalent form a
/// peer without 8BITMIME may receive (RFC 6152 §3: such a message is converted or returned, never sent as it is), and the
/// form a DKIM signer should sign (RFC 6376 §5.3) so that no later hop needs to convert, and break, the signed body.
/// Text parts become quoted-printable (still readable), others base64 (RFC 2045 §6); an entity whose own
/// Content-Transfer-Encoding says 8bit or binary (a multipart or message/rfc822 around the converted parts) is relabelled
/// 7bit (RFC 2045 §6.4, RFC 2046 §5.2.1). A multipart/signed (RFC 1847 §2.1) is left alone: its signature covers its
/// parts as they are. Header fields are never changed (raw 8-bit header text is not a body encoding), nor is anything
/// already 7-bit, so a 7-bit message writes back as it was read.
/// </summary>
public static class SevenBitForm
{
    /// <summary>
    /// Converts <paramref name="message"/> in place; true when anything changed. Parts declared 7bit or unlabelled
    /// whose bytes are 8-bit anyway are converted as well.
    /// </summary>
    public static bool Apply(MimeMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.Body is not null && Apply(message.Body);
    }

    /// <summary>
    /// The 7-bit form of the message in <paramref name="stored"/> (read to its end, not disposed), written with CRLF line
    /// ends, or null when it is 7-bit already or has no header block MimeKit can read (<see cref="Convert"/>).
    /// </summary>
    public static async Task<byte[]?> ConvertAsync(Stream stored, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var copy = new MemoryStream();
        await stored.CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
        return Convert(new ArraySegment<byte>(copy.GetBuffer(), 0, (int)copy.Length));
    }

    /// <summary>
    /// The 7-bit form of the message <paramref name="stored"/>, written with CRLF line ends, or null when it is 7-bit
    /// already or has no header block MimeKit can read. Only a message with a byte above 127 or a NUL is parsed.
    /// </summary>
    public static byte[]? Convert(ArraySegment<byte> stored)
    {
        if (!HasEightBitBytes(stored)) return null;
        MimeMessage message;
        try
        {
            using var input = new MemoryStream(stored.Array!, stored.Offset, stored.Count, writable: false);
            message = new MimeParser(input, MimeFormat.Entity).ParseMessage();
        }
        catch (FormatException)
        {
            return null;
        }
        using (message)
        {
            if (!Apply(message)) return null;
            var converted = new MemoryStream();
            message.WriteTo(new FormatOptions { NewLineFormat = NewLineFormat.Dos }, converted);
            return converted.ToArray();
        }
    }

    private static bool Apply(MimeEntity entity)
    {
        switch (entity)
        {
            case MultipartSigned:
                return false;
            case Multipart multipart:
            {
                bool changed = false;
                foreach (MimeEntity child in multipart) changed |= Apply(child);
                return Relabel(multipart) | changed;
            }
            case MessagePart { Message.Body: { } inner } part:
                return Apply(inner) | Relabel(part);
            case MimePart part when NeedsConversion(part):
                part.ContentTransferEncoding = part.ContentType.IsMimeType("text", "*") ? ContentEncoding.QuotedPrintable : ContentEncoding.Base64;
                return true;
            default:
                return false;
        }
    }

    /// <summary>An 8bit or binary part, or a 7bit or unlabelled one whose bytes are not 7-bit (RFC 2045 §2.7).</summary>
    private static bool NeedsConversion(MimePart part)
    {
        switch (part.ContentTransferEncoding)
        {
            case ContentEncoding.EightBit or ContentEncoding.Binary:
                return true;
            case ContentEncoding.Default or ContentEncoding.SevenBit when part.Content is not null:
            {
                using Stream content = part.Content.Open();
                byte[] buffer = new byte[8192];
                int read;
                while ((read = content.Read(buffer)) > 0)
                {
                    if (HasEightBitBytes(buffer.AsSpan(0, read))) return true;
                }
                return false;
            }
            default:
                return false;
        }
    }

    /// <summary>Sets an entity's own 8bit or binary label to 7bit; true when it had one.</summary>
    private static bool Relabel(MimeEntity entity)
    {
        string? label = entity.Headers[HeaderId.ContentTransferEncoding]?.Trim();
        if (!string.Equals(label, "8bit", StringComparison.OrdinalIgnoreCase) && !string.Equals(label, "binary", StringComparison.OrdinalIgnoreCase))
            return false;
        entity.Headers[HeaderId.ContentTransferEncoding] = "7bit";
        return true;
    }

    private static bool HasEightBitBytes(ReadOnlySpan<byte> bytes) => bytes.IndexOfAnyExceptInRange((byte)1, (byte)127) >= 0;
}
