using MimeKit;
using MimeKit.Cryptography;

namespace CloudMail.Core.Delivery;

/// <summary>
/// Converts the 8-bit and binary bodies of a message, and bodies with lines longer than 998 octets (neither is 7bit data,
/// RFC 2045 §2.7; RFC 5322 §2.1.1 forbids such lines), to a 7-bit content-transfer-encoding, the MIME-equivalent form a
/// peer without 8BITMIME may receive (RFC 6152 §3: such a message is converted or returned, never sent as it is), and the
/// form a DKIM signer should sign (RFC 6376 §5.3) so that no later hop needs to convert, and break, the signed body
/// (Postfix, for one, breaks lines over 2048 octets on receipt and over 998 when it relays).
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
    /// whose bytes are 8-bit anyway, or whose lines are too long, are converted as well; a converted message without
    /// MIME-Version gets one.
    /// </summary>
    public static bool Apply(MimeMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Body is null || !Apply(message.Body)) return false;
        // RFC 2045 §4: the encoding just given is MIME, which a message without MIME-Version does not declare.
        if (!message.Headers.Contains(HeaderId.MimeVersion)) message.MimeVersion = new Version(1, 0);
        return true;
    }

    /// <summary>
    /// The 7-bit form of the message <paramref name="stored"/>, written with CRLF line ends, or null when it is 7-bit
    /// already or has no header block MimeKit can read. Only a message with a byte above 127, a NUL or a line over 998
    /// octets is parsed.
    /// </summary>
    public static byte[]? Convert(ArraySegment<byte> stored)
    {
        if (!HasEightBitBytes(stored) && !HasOverlongLine(stored)) return null;
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

    /// <summary>
    /// An 8bit or binary part, or a 7bit or unlabelled one whose bytes are not 7-bit data (RFC 2045 §2.7: a byte above
    /// 127, a NUL, or a line over 998 octets).
    /// </summary>
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
                int read, run = 0;
                while ((read = content.Read(buffer)) > 0)
                {
                    var bytes = buffer.AsSpan(0, read);
                    if (HasEightBitBytes(bytes)) return true;
                    run = LineRun(bytes, run);
                    if (run < 0) return true;
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

    /// <summary>Longest line of 7bit data, CR and LF not counted (RFC 2045 §2.7, RFC 5322 §2.1.1).</summary>
    private const int MaxLineLength = 998;

    private static bool HasOverlongLine(ReadOnlySpan<byte> bytes) => LineRun(bytes, 0) < 0;

    /// <summary>
    /// Scans <paramref name="bytes"/> that follow <paramref name="run"/> octets of an unfinished line: the octets of the
    /// line unfinished at the end, or -1 as soon as a line is longer than <see cref="MaxLineLength"/>. A line's octets are
    /// counted up to its LF with the CR of a CRLF allowed for (so a bare-LF line may have one octet more).
    /// </summary>
    private static int LineRun(ReadOnlySpan<byte> bytes, int run)
    {
        while (true)
        {
            int lf = bytes.IndexOf((byte)'\n');
            int length = run + (lf < 0 ? bytes.Length : lf);
            if (length > MaxLineLength + 1) return -1;
            if (lf < 0) return length;
            bytes = bytes[(lf + 1)..];
            run = 0;
        }
    }
}
