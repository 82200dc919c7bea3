using CloudMail.Protocols.Imap.Model;
using CloudMail.Protocols.Imap.Parsing;

namespace CloudMail.Protocols.Imap.Commands;

/// <summary>The filter-mailboxes of one NOTIFY event group (RFC 5465 §6).</summary>
public enum NotifyFilter
{
    Selected,
    SelectedDelayed,
    Inboxes,
    Personal,
    Subscribed,
    Subtree,
    Mailboxes,
}

/// <summary>One event group "(filter events)": <paramref name="Events"/> are upper-cased event names, empty for NONE.</summary>
/// <param name="Mailboxes">The names given to SUBTREE or MAILBOXES (as sent); empty for the other filters.</param>
/// <param name="FetchAtts">The fetch-att list given after MessageNew, or null when there is none.</param>
public sealed record NotifyGroup(NotifyFilter Filter, IReadOnlyList<string> Mailboxes, IReadOnlyList<string> Events, IReadOnlyList<FetchItem>? FetchAtts);

/// <summary>A refusal of NOTIFY SET: tagged BAD (<paramref name="Bad"/>) or NO with the response code <paramref name="Code"/>.</summary>
public sealed record NotifyRefusal(bool Bad, string? Code, string Text);

/// <summary>NOTIFY NONE | NOTIFY SET [STATUS] event-group... (RFC 5465 §5, grammar §8).</summary>
public sealed record NotifyCommand(string Tag, bool Set, bool Status, IReadOnlyList<NotifyGroup> Groups) : ImapCommand(Tag)
{
    /// <summary>The events RFC 5465 §5 defines, upper-cased.</summary>
    public const string MessageNew = "MESSAGENEW", MessageExpunge = "MESSAGEEXPUNGE", FlagChange = "FLAGCHANGE",
        AnnotationChange = "ANNOTATIONCHANGE", MailboxName = "MAILBOXNAME", SubscriptionChange = "SUBSCRIPTIONCHANGE",
        MailboxMetadataChange = "MAILBOXMETADATACHANGE", ServerMetadataChange = "SERVERMETADATACHANGE";

    /// <summary>Most event groups and mailbox names accepted in one command (a cap on client input).</summary>
    public const int MaxItems = 100;

    /// <summary>The events CloudMail reports, as BADEVENT lists them (RFC 5465 §5.1 and §6).</summary>
    public static readonly IReadOnlyList<string> SupportedEvents = ["MessageNew", "MessageExpunge", "FlagChange", "MailboxName", "SubscriptionChange"];

    public override string Name => "NOTIFY";

    /// <summary>
    /// Why the server must refuse this NOTIFY SET, or null when it is acceptable. RFC 5465 §5: FlagChange or
    /// AnnotationChange without both MessageNew and MessageExpunge, MessageNew without MessageExpunge (or the reverse);
    /// §6: more than one SELECTED or SELECTED-DELAYED filter, or a mailbox event with one; §8: a fetch-att list outside
    /// those filters: these are protocol errors (tagged BAD); §5.1:
    /// an event the server does not support is NO [BADEVENT (supported events)]. The BAD rules are checked first.
    /// </summary>
    public NotifyRefusal? Check()
    {
        if (Groups.Count(g => g.Filter is NotifyFilter.Selected or NotifyFilter.SelectedDelayed) > 1)
            return new NotifyRefusal(true, null, "Only one SELECTED or SELECTED-DELAYED filter is allowed");
        foreach (var group in Groups)
        {
            bool has(string e) => group.Events.Contains(e);
            if ((has(FlagChange) || has(AnnotationChange)) && !(has(MessageNew) && has(MessageExpunge)))
                return new NotifyRefusal(true, null, "FlagChange and AnnotationChange require MessageNew and MessageExpunge");
            if (has(MessageNew) != has(MessageExpunge))
                return new NotifyRefusal(true, null, "MessageNew and MessageExpunge must be requested together");
            if (group.Filter is NotifyFilter.Selected or NotifyFilter.SelectedDelayed && (has(MailboxName) || has(SubscriptionChange) || has(MailboxMetadataChange) || has(ServerMetadataChange)))
                return new NotifyRefusal(true, null, "SELECTED and SELECTED-DELAYED allow message events only");
            if (group.FetchAtts is not null && group.Filter is not (NotifyFilter.Selected or NotifyFilter.SelectedDelayed))
                return new NotifyRefusal(true, null, "A MessageNew fetch-att list is allowed only for SELECTED and SELECTED-DELAYED");
        }
        foreach (var group in Groups)
        {
            if (group.Events.FirstOrDefault(e => !SupportedEvents.Contains(e, StringComparer.OrdinalIgnoreCase)) is { } unsupported)
                return new NotifyRefusal(false, "BADEVENT (" + string.Join(' ', SupportedEvents) + ")", "Unsupported event " + unsupported);
        }
        return null;
    }

    /// <summary>notify = "NOTIFY" SP (notify-set / notify-none).</summary>
    internal static ImapCommand? Parse(string tag, ImapTokenizer t)
    {
        if (!t.Sp()) return null;
        if (t.TryKeyword("NONE")) return new NotifyCommand(tag, false, false, []);
        if (!t.TryKeyword("SET")) return Fail<ImapCommand>(t, "Expected SET or NONE");
        bool status = false;
        if (!t.Sp()) return null;
        if (t.TryKeyword("STATUS"))
        {
            status = true;
            if (!t.Sp()) return null;
        }
        var groups = new List<NotifyGroup>();
        do
        {
            if (groups.Count == MaxItems) return Fail<ImapCommand>(t, "Too many event groups");
            if (EventGroup(t) is not { } group) return null;
            groups.Add(group);
        }
        while (t.TryConsume(' '));
        return new NotifyCommand(tag, true, status, groups);
    }

    /// <summary>event-group = "(" filter-mailboxes SP events ")".</summary>
    private static NotifyGroup? EventGroup(ImapTokenizer t)
    {
        if (!t.Expect('(') || !t.Atom(out string filterName) || !t.Sp()) return null;
        NotifyFilter filter;
        var mailboxes = new List<string>();
        switch (filterName.ToUpperInvariant())
        {
            case "SELECTED": filter = NotifyFilter.Selected; break;
            case "SELECTED-DELAYED": filter = NotifyFilter.SelectedDelayed; break;
            case "INBOXES": filter = NotifyFilter.Inboxes; break;
            case "PERSONAL": filter = NotifyFilter.Personal; break;
            case "SUBSCRIBED": filter = NotifyFilter.Subscribed; break;
            case "SUBTREE": filter = NotifyFilter.Subtree; break;
            case "MAILBOXES": filter = NotifyFilter.Mailboxes; break;
            default: return Fail<NotifyGroup>(t, "Unknown filter " + filterName);
        }
        if (filter is NotifyFilter.Subtree or NotifyFilter.Mailboxes && (!OneOrMoreMailbox(t, mailboxes) || !t.Sp())) return null;
        var events = new List<string>();
        List<FetchItem>? fetchAtts = null;
        if (!t.TryKeyword("NONE"))
        {
            if (!t.Expect('(')) return null;
            do
            {
                if (events.Count == MaxItems) return Fail<NotifyGroup>(t, "Too many events");
                if (!t.Atom(out string name)) return null;
                name = name.ToUpperInvariant();
                events.Add(name);
                if (name == MessageNew && t.Peek() == ' ' && PeekOpen(t))
                {
                    fetchAtts = [];
                    if (!t.Sp() || !t.Expect('(')) return null;
                    do
                    {
                        if (!FetchAttributeParser.FetchAtt(t, fetchAtts)) return null;
                    }
                    while (t.TryConsume(' '));
                    if (!t.Expect(')')) return null;
                }
            }
            while (t.TryConsume(' '));
            if (!t.Expect(')')) return null;
        }
        return t.Expect(')') ? new NotifyGroup(filter, mailboxes, events, fetchAtts) : null;
    }

    /// <summary>True when a space and "(" follow (a fetch-att list after MessageNew).</summary>
    private static bool PeekOpen(ImapTokenizer t)
    {
        var mark = t.Mark();
        bool open = t.TryConsume(' ') && t.Peek() == '(';
        t.Reset(mark);
        return open;
    }

    /// <summary>one-or-more-mailbox = mailbox / many-mailboxes; many-mailboxes = "(" mailbox *(SP mailbox) ")".</summary>
    private static bool OneOrMoreMailbox(ImapTokenizer t, List<string> mailboxes)
    {
        if (!t.TryConsume('('))
        {
            if (!t.Mailbox(out string one)) return false;
            mailboxes.Add(one);
            return true;
        }
        do
        {
            if (mailboxes.Count == MaxItems) return t.Fail("Too many mailboxes");
            if (!t.Mailbox(out string name)) return false;
            mailboxes.Add(name);
        }
        while (t.TryConsume(' '));
        return t.Expect(')');
    }

    private static T? Fail<T>(ImapTokenizer t, string message) where T : class
    {
        t.Fail(message);
        return null;
    }
}
