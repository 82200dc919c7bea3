using CloudMail.Protocols.Imap.Parsing;

namespace CloudMail.Protocols.Imap.Commands;

/// <summary>STATUS mailbox (items) (RFC 3501 §6.3.10; SIZE from RFC 8438, HIGHESTMODSEQ from RFC 7162, DELETED from RFC 9051 §6.3.11, DELETED-STORAGE from RFC 9208 §5.3, APPENDLIMIT from RFC 7889 §3.2).</summary>
public sealed record StatusCommand(string Tag, string Mailbox, IReadOnlyList<string> Items) : ImapCommand(Tag)
{
    public static readonly IReadOnlySet<string> KnownItems =
        new HashSet<string>(["MESSAGES", "RECENT", "UIDNEXT", "UIDVALIDITY", "UNSEEN", "SIZE", "HIGHESTMODSEQ", "DELETED", "DELETED-STORAGE", "MAILBOXID", "APPENDLIMIT"]);

    public override string Name => "STATUS";

    /// <summary>status = "STATUS" SP mailbox SP "(" status-att *(SP status-att) ")".</summary>
    internal static ImapCommand? Parse(string tag, ImapTokenizer t)
    {
        if (!t.Sp() || !t.Mailbox(out string mailbox) || !t.Sp()) return null;
        return ParseItems(t, out var items) ? new StatusCommand(tag, mailbox, items) : null;
    }

    /// <summary>
    /// "(" status-att *(SP status-att) ")", upper-cased; shared with LIST's STATUS return option (RFC 5819). An empty list
    /// is taken too (answered with an empty STATUS): MailKit sends one when every item it was asked for is already known
    /// from the capabilities (APPENDLIMIT=n).
    /// </summary>
    internal static bool ParseItems(ImapTokenizer t, out List<string> items)
    {
        items = [];
        if (!t.Expect('(')) return false;
        if (t.TryConsume(')')) return true;
        do
        {
            if (!t.Atom(out string item)) return false;
            item = item.ToUpperInvariant();
            if (!KnownItems.Contains(item)) return t.Fail("Unknown STATUS item " + item);
            items.Add(item);
        }
        while (t.TryConsume(' '));
        return t.Expect(')');
    }
}
