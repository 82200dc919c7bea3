using System.Text;
using CloudMail.Core.Mailboxes;

namespace CloudMail.Listener.MailFiles;

/// <summary>
/// The header fields in which mbox readers keep a message's state: <c>Status</c> (R: read), <c>X-Status</c> (A: answered,
/// F: flagged, T: draft, D: deleted), as mutt, Pine and Dovecot write them, and <c>X-Keywords</c> (Dovecot, mutt's
/// <c>mark_old</c>-era keywords: space- or comma-separated). Importing takes them out of the message (with
/// <c>X-UID</c>, <c>X-IMAP</c>, <c>X-IMAPbase</c> and <c>Content-Length</c>, which only mean something to the program
/// that wrote the file), as Dovecot hides them; exporting puts them back. Works on CRLF text as <see cref="MboxSplitter"/> gives it. Never throws.
/// </summary>
public static class MboxStatusHeaders
{
    private static readonly string[] StateFields = ["Status", "X-Status", "X-Keywords", "X-UID", "X-IMAP", "X-IMAPbase", "Content-Length"];

    /// <summary>The message without its state fields, and the flags and keywords they held.</summary>
    public static (byte[] Raw, MessageFlags Flags, IReadOnlyList<string> Keywords) Extract(byte[] raw)
    {
        var flags = MessageFlags.None;
        var keywords = new List<string>();
        List<(int Start, int End)>? removed = null;
        int position = 0;
        while (position < raw.Length)
        {
            int end = FieldEnd(raw, position);
            if (end == position) break; // the empty line: end of the header
            ReadOnlySpan<byte> field = raw.AsSpan(position, end - position);
            if (StateFieldName(field) is { } name)
            {
                string value = Encoding.Latin1.GetString(field[(name.Length + 1)..]).Trim();
                if (name.Equals("Status", StringComparison.OrdinalIgnoreCase) && value.Contains('R', StringComparison.Ordinal)) flags |= MessageFlags.Seen;
                if (name.Equals("X-Status", StringComparison.OrdinalIgnoreCase)) flags |= XStatusFlags(value);
                if (name.Equals("X-Keywords", StringComparison.OrdinalIgnoreCase)) keywords.AddRange(Keywords(value));
                (removed ??= []).Add((position, end));
            }
            position = end;
        }
        if (removed is null) return (raw, flags, keywords);
        var kept = new MemoryStream(raw.Length);
        int from = 0;
        foreach (var (start, end) in removed)
        {
            kept.Write(raw, from, start - from);
            from = end;
        }
        kept.Write(raw, from, raw.Length - from);
        return (kept.ToArray(), flags, keywords);
    }

    /// <summary>The state fields for <paramref name="flags"/> and <paramref name="keywords"/>, each line ending in LF.</summary>
    public static string Format(MessageFlags flags, IReadOnlyList<string> keywords)
    {
        var text = new StringBuilder();
        text.Append(flags.HasFlag(MessageFlags.Seen) ? "Status: RO\n" : "Status: O\n");
        string xStatus = (flags.HasFlag(MessageFlags.Answered) ? "A" : "") + (flags.HasFlag(MessageFlags.Flagged) ? "F" : "")
            + (flags.HasFlag(MessageFlags.Draft) ? "T" : "") + (flags.HasFlag(MessageFlags.Deleted) ? "D" : "");
        if (xStatus.Length > 0) text.Append("X-Status: ").Append(xStatus).Append('\n');
        if (keywords.Count > 0) text.Append("X-Keywords: ").Append(string.Join(' ', keywords)).Append('\n');
        return text.ToString();
    }

    private static MessageFlags XStatusFlags(string value)
    {
        var flags = MessageFlags.None;
        if (value.Contains('A', StringComparison.Ordinal)) flags |= MessageFlags.Answered;
        if (value.Contains('F', StringComparison.Ordinal)) flags |= MessageFlags.Flagged;
        if (value.Contains('T', StringComparison.Ordinal)) flags |= MessageFlags.Draft;
        if (value.Contains('D', StringComparison.Ordinal)) flags |= MessageFlags.Deleted;
        return flags;
    }

    /// <summary>Keywords that are IMAP atoms (RFC 9051 §9 flag-keyword); others are dropped.</summary>
    private static IEnumerable<string> Keywords(string value) =>
        value.Split([' ', ',', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries)
            .Where(KeywordAtoms.IsAtom);

    /// <summary>The name of a state field, or null for any other field.</summary>
    private static string? StateFieldName(ReadOnlySpan<byte> field)
    {
        int colon = field.IndexOf((byte)':');
        if (colon <= 0) return null;
        string name = Encoding.Latin1.GetString(field[..colon]);
        return StateFields.FirstOrDefault(f => f.Equals(name, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Where the header field starting at <paramref name="start"/> ends: after its last continuation line's LF.</summary>
    private static int FieldEnd(byte[] raw, int start)
    {
        int position = start;
        do
        {
            int lf = Array.IndexOf(raw, (byte)'\n', position);
            if (lf < 0) return raw.Length;
            bool emptyLine = lf == position || (lf == position + 1 && raw[position] == (byte)'\r');
            if (emptyLine) return position == start ? start : position;
            position = lf + 1;
        }
        while (position < raw.Length && raw[position] is (byte)' ' or (byte)'\t');
        return position;
    }
}
