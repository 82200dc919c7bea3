using CloudMail.Core.Mailboxes;
using CloudMail.Protocols.Imap.Commands;

namespace CloudMail.Listener.Imap.Mailboxes;

/// <summary>One "* LIST" line: the name, its mailbox (null when the name is not a mailbox), attributes and CHILDINFO criteria.</summary>
internal sealed record ListEntry(string Name, MailboxInfo? Info, IReadOnlyList<string> Attributes, IReadOnlyList<string> ChildInfo);

/// <summary>What a LIST asks for beyond its patterns (RFC 5258 §3 selection and return options, RFC 6154 §3).</summary>
/// <param name="Subscribed">Selection SUBSCRIBED: subscribed names, existing or not.</param>
/// <param name="SpecialUse">Selection SPECIAL-USE: mailboxes with a special-use attribute.</param>
/// <param name="RecursiveMatch">Selection RECURSIVEMATCH: also names with a descendant that meets the other criteria.</param>
/// <param name="ReturnSubscribed">Return \Subscribed (the SUBSCRIBED return option, implied by the selection option).</param>
internal sealed record ListSelection(bool Subscribed, bool SpecialUse, bool RecursiveMatch, bool ReturnSubscribed)
{
    public static ListSelection Of(ListCommand command)
    {
        bool subscribed = command.SelectionOptions.Contains("SUBSCRIBED");
        return new ListSelection(subscribed, command.SelectionOptions.Contains("SPECIAL-USE"), command.SelectionOptions.Contains("RECURSIVEMATCH"),
            subscribed || command.ReturnOptions.Contains("SUBSCRIBED"));
    }

    /// <summary>True when a selection option narrows the answer (REMOTE does not: there are no remote mailboxes).</summary>
    public bool Selecting => Subscribed || SpecialUse;

    /// <summary>The criteria as CHILDINFO names them (RFC 5258 §3.5).</summary>
    public IReadOnlyList<string> Criteria => [.. new[] { Subscribed ? "SUBSCRIBED" : null, SpecialUse ? "SPECIAL-USE" : null }.OfType<string>()];
}

/// <summary>
/// The answer to LIST (RFC 3501 §6.3.8, RFC 5258): which names match, with which attributes (RFC 5258 §3.4
/// \NonExistent, \Subscribed; RFC 3348/5258 \HasChildren and \HasNoChildren counted over existing mailboxes;
/// RFC 6154 §2 special use). Without selection options, superiors that are not mailboxes are listed as \Noselect.
/// With them (RFC 5258 §3.1), only names meeting every criterion are listed, a name that is not a mailbox as
/// \NonExistent; RECURSIVEMATCH adds the matching names with a descendant that meets them and is not listed itself
/// (RFC 5258 §3.5), and marks every name with a descendant that meets them with CHILDINFO. Pure; INBOX first, then ordinal order.
/// </summary>
internal static class MailboxListing
{
    public static List<ListEntry> List(IReadOnlyList<MailboxInfo> mailboxes, IReadOnlySet<string> subscriptions, IReadOnlyList<ListPattern> patterns,
        ListSelection selection)
    {
        var byName = mailboxes.ToDictionary(m => m.Name, StringComparer.Ordinal);
        var names = new SortedSet<string>(NameOrder);
        var parents = new HashSet<string>(StringComparer.Ordinal);
        foreach (var m in mailboxes)
        {
            names.Add(m.Name);
            foreach (string parent in MailboxNames.Parents(m.Name))
            {
                names.Add(parent);
                parents.Add(parent);
            }
        }
        if (selection.Subscribed)
        {
            foreach (string sub in subscriptions)
            {
                names.Add(sub);
                names.UnionWith(MailboxNames.Parents(sub));
            }
        }

        bool Meets(string name) =>
            (!selection.Subscribed || subscriptions.Contains(name))
            && (!selection.SpecialUse || (byName.TryGetValue(name, out var info) && info.SpecialUse != SpecialUse.None));

        bool Listed(string name) => patterns.Any(p => p.Matches(name));
        var meeting = selection.RecursiveMatch ? names.Where(Meets).ToList() : [];
        var superiorsOfMeeting = new HashSet<string>(meeting.SelectMany(MailboxNames.Parents), StringComparer.Ordinal);
        // RFC 5258 §3.5: a name that does not meet the criteria is listed (with CHILDINFO) only for a descendant that does
        // and is not listed itself; "servers SHOULD suppress redundant CHILDINFO responses".
        var superiorsOfUnlisted = new HashSet<string>(meeting.Where(n => !Listed(n)).SelectMany(MailboxNames.Parents), StringComparer.Ordinal);
        var entries = new List<ListEntry>();
        foreach (string name in names)
        {
            if (!Listed(name)) continue;
            bool childMeets = superiorsOfMeeting.Contains(name);
            if (selection.Selecting && !Meets(name) && !superiorsOfUnlisted.Contains(name)) continue;
            byName.TryGetValue(name, out var info);
            var attributes = new List<string>();
            if (info is null) attributes.Add(selection.Selecting ? @"\NonExistent" : @"\Noselect");
            if (parents.Contains(name)) attributes.Add(@"\HasChildren");
            else if (info is not null) attributes.Add(@"\HasNoChildren");
            if (info is not null && SpecialUseAttribute(info.SpecialUse) is { } use) attributes.Add(use);
            if (selection.ReturnSubscribed && subscriptions.Contains(name)) attributes.Add(@"\Subscribed");
            entries.Add(new ListEntry(name, info, attributes, childMeets ? selection.Criteria : []));
        }
        return entries;
    }

    /// <summary>RFC 6154 §2 attributes.</summary>
    public static string? SpecialUseAttribute(SpecialUse use) => use switch
    {
        SpecialUse.Sent => @"\Sent",
        SpecialUse.Drafts => @"\Drafts",
        SpecialUse.Trash => @"\Trash",
        SpecialUse.Junk => @"\Junk",
        SpecialUse.Archive => @"\Archive",
        SpecialUse.All => @"\All",
        SpecialUse.Flagged => @"\Flagged",
        _ => null,
    };

    /// <summary>INBOX first, then ordinal order.</summary>
    public static readonly Comparer<string> NameOrder = Comparer<string>.Create((a, b) =>
    {
        bool ai = a == DefaultMailboxes.Inbox, bi = b == DefaultMailboxes.Inbox;
        if (ai != bi) return ai ? -1 : 1;
        return string.CompareOrdinal(a, b);
    });
}
