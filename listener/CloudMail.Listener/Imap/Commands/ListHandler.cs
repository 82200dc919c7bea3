using CloudMail.Core.Mailboxes;
using CloudMail.Listener.Imap.Mailboxes;
using CloudMail.Listener.Imap.Session;
using CloudMail.Protocols.Imap.Commands;
using CloudMail.Protocols.Imap.Writing;

namespace CloudMail.Listener.Imap.Commands;

/// <summary>
/// LIST (RFC 3501 §6.3.8, LIST-EXTENDED RFC 5258, SPECIAL-USE RFC 6154, LIST-STATUS RFC 5819; the answer is
/// <see cref="MailboxListing"/>'s) and LSUB (§6.3.9). Patterns longer in total than
/// <see cref="ImapOptions.MaxListPatternLength"/> answer NO [LIMIT]; matching is <see cref="ListPattern"/>'s.
/// </summary>
internal static class ListHandler
{
    public static async Task<ImapCompletion> HandleAsync(ImapSession s, ListCommand command, CancellationToken ct)
    {
        var w = s.W;
        string verb = command.Lsub ? "LSUB" : "LIST";
        // RFC 3501 §6.3.8: an empty pattern asks for the delimiter and the root of the reference.
        if (command.Patterns.All(p => p.Length == 0))
        {
            w.Raw("* ").Raw(verb).Raw(" (\\Noselect) \"/\" \"\"").Crlf();
            return ImapCompletion.Ok(verb + " completed");
        }
        string[] raw = [.. command.Patterns.Where(p => p.Length > 0).Select(p => command.Reference + p)];
        if (MailboxLimits.CheckPatterns(raw, s.Options) is { } tooLong) return tooLong;
        ListPattern[] patterns = [.. raw.Select(ListPattern.Compile)];
        var mailboxes = await s.Services.Mailboxes.ListMailboxesAsync(s.Account, ct).ConfigureAwait(false);
        var subscriptions = new HashSet<string>(
            await s.Services.Mailboxes.ListSubscriptionsAsync(s.Account, ct).ConfigureAwait(false), StringComparer.Ordinal);
        if (command.Lsub) WriteLsub(w, mailboxes, subscriptions, patterns);
        else await WriteListAsync(s, command, mailboxes, subscriptions, patterns, ct).ConfigureAwait(false);
        return ImapCompletion.Ok(verb + " completed");
    }

    private static async Task WriteListAsync(ImapSession s, ListCommand command, IReadOnlyList<MailboxInfo> mailboxes, HashSet<string> subscriptions,
        ListPattern[] patterns, CancellationToken ct)
    {
        foreach (var entry in MailboxListing.List(mailboxes, subscriptions, patterns, ListSelection.Of(command)))
        {
            var w = s.W;
            w.Raw("* LIST (").Raw(string.Join(' ', entry.Attributes)).Raw(") \"/\" ").Mailbox(entry.Name);
            // RFC 5258 §3.5: mbox-list-extended, here only CHILDINFO for RECURSIVEMATCH.
            if (entry.ChildInfo.Count > 0) w.Raw(" (\"CHILDINFO\" (").Raw(string.Join(' ', entry.ChildInfo.Select(c => '"' + c + '"'))).Raw("))");
            w.Crlf();
            // RFC 5819 §2: a STATUS response after the LIST line of each selectable mailbox, none for the others.
            if (command.StatusItems is { } items && entry.Info is { } info) await StatusHandler.WriteAsync(s, info, items, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// RFC 3501 §6.3.9: subscribed names that match; an unsubscribed superior of a subscribed name is returned
    /// with \Noselect when it matches and none of its subscribed inferiors does (the "%" case).
    /// </summary>
    private static void WriteLsub(ImapResponseWriter w, IReadOnlyList<MailboxInfo> mailboxes, HashSet<string> subscriptions, ListPattern[] patterns)
    {
        var existing = new HashSet<string>(mailboxes.Select(m => m.Name), StringComparer.Ordinal);
        var names = new SortedSet<string>(MailboxListing.NameOrder);
        foreach (string sub in subscriptions)
        {
            names.Add(sub);
            foreach (string parent in MailboxNames.Parents(sub)) names.Add(parent);
        }
        // Each subscribed name is matched once, and the superiors of those that match are known before the walk.
        var matching = new HashSet<string>(subscriptions.Where(sub => patterns.Any(p => p.Matches(sub))), StringComparer.Ordinal);
        var superiorsOfMatches = new HashSet<string>(matching.SelectMany(MailboxNames.Parents), StringComparer.Ordinal);
        foreach (string name in names)
        {
            if (subscriptions.Contains(name))
            {
                if (matching.Contains(name)) Write(w, "LSUB", existing.Contains(name) ? [] : [@"\Noselect"], name);
                continue;
            }
            if (!patterns.Any(p => p.Matches(name))) continue;
            if (!superiorsOfMatches.Contains(name)) Write(w, "LSUB", [@"\Noselect"], name);
        }
    }

    private static void Write(ImapResponseWriter w, string verb, IEnumerable<string> attributes, string name)
    {
        w.Raw("* ").Raw(verb).Raw(" (").Raw(string.Join(' ', attributes)).Raw(") \"/\" ").Mailbox(name).Crlf();
    }
}
