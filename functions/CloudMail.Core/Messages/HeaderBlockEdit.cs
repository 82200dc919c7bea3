using System.Text;

namespace CloudMail.Core.Messages;

/// <summary>
/// The edits a submission server makes to a message's header block (the header lines up to and including the empty
/// line; CRLF line ends, bare LF ones tolerated): Bcc and Resent-Bcc fields dropped (RFC 5322 §3.6.3 lets the server remove
/// them, and §3.6.6 has Resent-Bcc used as Bcc is: a redirect's hidden recipients; the recipients stay in the envelope), missing fields appended (RFC 6409 §8.2 Date, §8.3 Message-ID). Every other byte stays as it was. Pure byte
/// handling; never throws on client input.
/// </summary>
public static class HeaderBlockEdit
{
    /// <summary>
    /// <paramref name="block"/> without its Bcc and Resent-Bcc fields (continuation lines included) when <paramref name="removeBcc"/>,
    /// and with <paramref name="added"/> fields (each without its CRLF) appended before the empty line; a block without
    /// an empty line gets them at its end.
    /// </summary>
    public static byte[] Rewrite(ReadOnlySpan<byte> block, bool removeBcc, IReadOnlyList<string> added)
    {
        ArgumentNullException.ThrowIfNull(added);
        using var output = new MemoryStream(block.Length + 128);
        bool skipping = false, ended = false;
        int i = 0;
        while (i < block.Length)
        {
            int lf = block[i..].IndexOf((byte)'\n');
            int end = lf < 0 ? block.Length : i + lf + 1;
            var line = block[i..end];
            i = end;
            if (line.SequenceEqual("\r\n"u8) || line.SequenceEqual("\n"u8)) // the empty line (RFC 5322 §2.1), or a bare LF one
            {
                WriteFields(output, added);
                output.Write(line);
                ended = true;
                break;
            }
            if (line[0] is not ((byte)' ' or (byte)'\t')) skipping = removeBcc && (IsField(line, "Bcc") || IsField(line, "Resent-Bcc"));
            if (skipping) continue;
            output.Write(line);
            if (lf < 0) output.Write("\r\n"u8); // the last line of a message without a body may lack its line break
        }
        if (!ended) WriteFields(output, added);
        output.Write(block[i..]);
        return output.ToArray();
    }

    private static void WriteFields(MemoryStream output, IReadOnlyList<string> fields)
    {
        foreach (string field in fields) output.Write(Encoding.UTF8.GetBytes(field + "\r\n")); // UTF-8 only for an SMTPUTF8 sender (RFC 6532)
    }

    /// <summary>True when <paramref name="line"/> starts a field named <paramref name="name"/> (RFC 5322 §3.6.8; WSP before the colon is obsolete syntax, §4.5).</summary>
    private static bool IsField(ReadOnlySpan<byte> line, string name)
    {
        int colon = line.IndexOf((byte)':');
        if (colon < 0) return false;
        var field = line[..colon].TrimEnd(" \t"u8);
        return Encoding.ASCII.GetString(field).Equals(name, StringComparison.OrdinalIgnoreCase);
    }
}
