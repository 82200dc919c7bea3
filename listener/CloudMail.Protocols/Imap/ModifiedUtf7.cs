using System.Text;

namespace CloudMail.Protocols.Imap;

/// <summary>
/// The modified UTF-7 encoding of mailbox names (RFC 3501 §5.1.3): printable US-ASCII except "&amp;" stands
/// for itself, "&amp;" is "&amp;-", and other characters are UTF-16BE in modified BASE64 ("," for "/", no
/// padding) between "&amp;" and "-".
/// </summary>
public static class ModifiedUtf7
{
    private const string Base64Chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

    /// <summary>Encodes a Unicode mailbox name for the wire.</summary>
    public static string Encode(string name)
    {
        var output = new StringBuilder(name.Length + 8);
        int i = 0;
        while (i < name.Length)
        {
            char c = name[i];
            if (c is >= ' ' and <= '~')
            {
                output.Append(c == '&' ? "&-" : c);
                i++;
                continue;
            }
            int start = i;
            while (i < name.Length && name[i] is < ' ' or > '~') i++;
            byte[] utf16 = Encoding.BigEndianUnicode.GetBytes(name[start..i]);
            output.Append('&').Append(Convert.ToBase64String(utf16).TrimEnd('=').Replace('/', ',')).Append('-');
        }
        return output.ToString();
    }

    /// <summary>
    /// Decodes a mailbox name from the wire. False for malformed input (control characters, unterminated or
    /// invalid BASE64 runs). Deliberate leniency: raw 8-bit bytes are taken as UTF-8, since some clients send
    /// names that way; this lets them find existing mailboxes, but CREATE and RENAME refuse such names (RFC 3501
    /// §5.1: names are 7-bit), because LIST could only report them back in modified UTF-7, a name those clients
    /// would not recognise as the one they created (mbsync 1.4 then fails every later sync).
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> raw, out string name)
    {
        name = "";
        var output = new StringBuilder(raw.Length);
        int i = 0;
        while (i < raw.Length)
        {
            byte b = raw[i];
            if (b < 0x20 || b == 0x7f) return false;
            if (b >= 0x80)
            {
                int start = i;
                while (i < raw.Length && raw[i] >= 0x80) i++;
                output.Append(Encoding.UTF8.GetString(raw[start..i]));
                continue;
            }
            if (b != '&')
            {
                output.Append((char)b);
                i++;
                continue;
            }
            int end = raw[(i + 1)..].IndexOf((byte)'-');
            if (end < 0) return false;
            var run = raw.Slice(i + 1, end);
            i += end + 2;
            if (run.Length == 0)
            {
                output.Append('&');
                continue;
            }
            if (!TryDecodeRun(run, output)) return false;
        }
        name = output.ToString();
        return true;
    }

    private static bool TryDecodeRun(ReadOnlySpan<byte> run, StringBuilder output)
    {
        var bytes = new List<byte>(run.Length);
        int bits = 0, buffer = 0;
        foreach (byte c in run)
        {
            int v = Base64Chars.IndexOf((char)c);
            if (v < 0) return false;
            buffer = (buffer << 6) | v;
            bits += 6;
            if (bits >= 8)
            {
                bits -= 8;
                bytes.Add((byte)(buffer >> bits));
                buffer &= (1 << bits) - 1;
            }
        }
        if (bytes.Count % 2 != 0 || buffer != 0 || bits >= 6) return false;
        string text = Encoding.BigEndianUnicode.GetString([.. bytes]);
        if (text.Any(c => c is < ' ' or '\u007f')) return false;
        output.Append(text);
        return true;
    }
}
