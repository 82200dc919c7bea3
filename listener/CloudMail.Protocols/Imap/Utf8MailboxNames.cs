using System.Text;

namespace CloudMail.Protocols.Imap;

/// <summary>
/// Mailbox names once a client has enabled UTF8=ACCEPT (RFC 6855 §3): plain UTF-8 both ways, no modified UTF-7
/// ("&amp;" is an ordinary character). Malformed UTF-8 and control characters are refused, as in
/// <see cref="ModifiedUtf7.TryDecode"/>.
/// </summary>
public static class Utf8MailboxNames
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Decodes a name sent as UTF-8; false for invalid UTF-8 or a control character.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> raw, out string name)
    {
        name = "";
        foreach (byte b in raw)
            if (b < 0x20 || b == 0x7f) return false;
        try
        {
            name = Strict.GetString(raw);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
        return !name.Any(c => char.IsControl(c));
    }
}
