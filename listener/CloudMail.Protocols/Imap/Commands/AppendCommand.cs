using CloudMail.Protocols.Imap.Parsing;

namespace CloudMail.Protocols.Imap.Commands;

/// <summary>
/// APPEND mailbox [flags] [date-time] literal (RFC 3501 §6.3.11). The message bytes were streamed by the
/// session (see <see cref="ImapAppendLiteralStarting"/>); this record says the command ended well-formed.
/// </summary>
public sealed record AppendCommand(string Tag, string Mailbox, IReadOnlyList<string> Flags, DateTimeOffset? InternalDate, long MessageSize)
    : ImapCommand(Tag)
{
    public override string Name => "APPEND";

    /// <summary>append = "APPEND" SP mailbox [SP flag-list] [SP date-time] SP literal.</summary>
    internal static ImapCommand? Parse(string tag, ImapTokenizer t)
    {
        if (!Prefix(t, out string mailbox, out var flags, out var date)) return null;
        if (!t.StreamedLiteral(out long size)) return null;
        return new AppendCommand(tag, mailbox, flags, date, size);
    }

    /// <summary>Everything before the message literal: SP mailbox [SP flag-list] [SP date-time] SP.</summary>
    internal static bool Prefix(ImapTokenizer t, out string mailbox, out List<string> flags, out DateTimeOffset? date)
    {
        flags = [];
        date = null;
        mailbox = "";
        if (!t.Sp() || !t.Mailbox(out mailbox) || !t.Sp()) return false;
        if (t.Peek() == '(')
        {
            if (!t.FlagList(out flags) || !t.Sp()) return false;
        }
        if (t.Peek() == '"')
        {
            if (!t.DateTime(out var d) || !t.Sp()) return false;
            date = d;
        }
        return true;
    }
}
