using System.Text;

namespace CloudMail.Protocols.Pop3;

/// <summary>
/// Text multi-line responses (CAPA, LIST, UIDL, AUTH mechanism list): the status line, each line
/// byte-stuffed, then the terminating "." (RFC 1939 §3). Message content goes through
/// <see cref="Pop3MessageEncoder"/> instead, which streams bytes.
/// </summary>
public static class Pop3MultiLine
{
    /// <summary>The whole response with CRLF after every line, including the terminator.</summary>
    public static string Format(string statusLine, IEnumerable<string> lines)
    {
        var text = new StringBuilder(statusLine).Append("\r\n");
        foreach (string line in lines) text.Append(Stuff(line)).Append("\r\n");
        return text.Append(Pop3Replies.Terminator).Append("\r\n").ToString();
    }

    /// <summary>RFC 1939 §3: a line starting with the termination octet gets another one prepended.</summary>
    public static string Stuff(string line) => line.StartsWith('.') ? "." + line : line;
}
