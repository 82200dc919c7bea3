using CloudMail.Core.Mailboxes;
using CloudMail.Listener.Imap.Session;
using CloudMail.Protocols.Imap.Commands;
using CloudMail.Protocols.Imap.Model;

namespace CloudMail.Listener.Imap.Notify;

/// <summary>
/// The session's NOTIFY SET (RFC 5465): what it watches and what it last told the client. The change signal carries no
/// data, so each report re-reads the account's mailbox list and subscriptions and compares them with the last snapshot:
/// a changed MESSAGES/UIDNEXT/UIDVALIDITY (MessageNew, MessageExpunge) or HIGHESTMODSEQ (FlagChange) gives an untagged
/// STATUS (§5.2-§5.3); a created, deleted or renamed mailbox gives LIST (§5.4, rename with OLDNAME, RFC 5258 §3.5 as
/// RFC 5465 §5.4 asks; a rename is recognised by its unchanged UIDVALIDITY); a (un)subscription gives LIST with or without
/// \Subscribed (§5.5). The selected mailbox is reported by the session's own update step (EXISTS, EXPUNGE or VANISHED,
/// FETCH), without expunges under SELECTED-DELAYED (§6). A report of more mailbox notifications than
/// <see cref="ImapOptions.NotifyOverflowLimit"/> is not written: the session turns it into NOTIFICATIONOVERFLOW (§5.8).
/// </summary>
internal sealed class NotifyWatch
{
    private readonly IReadOnlyList<NotifyGroup> _others;
    private readonly NotifyGroup? _selected;
    private Dictionary<string, MailboxInfo> _mailboxes = new(StringComparer.Ordinal);
    private HashSet<string> _subscriptions = new(StringComparer.Ordinal);

    private NotifyWatch(NotifyCommand command)
    {
        _selected = command.Groups.LastOrDefault(g => g.Filter is NotifyFilter.Selected or NotifyFilter.SelectedDelayed);
        _others = [.. command.Groups.Where(g => g.Filter is not (NotifyFilter.Selected or NotifyFilter.SelectedDelayed))];
    }

    /// <summary>True when the selected mailbox's message events are to be pushed between commands.</summary>
    public bool WatchesSelected => _selected is { } g && g.Events.Contains(NotifyCommand.MessageNew);

    /// <summary>
    /// The fetch-att list given with MessageNew for the selected mailbox (RFC 5465 §5.2), or null: each message announced
    /// with EXISTS is then followed by an untagged FETCH of these items.
    /// </summary>
    public IReadOnlyList<FetchItem>? NewMessageItems => WatchesSelected && _selected!.FetchAtts is { Count: > 0 } items ? items : null;

    /// <summary>SELECTED-DELAYED: expunges in the selected mailbox wait for a command that allows them.</summary>
    public bool DelaysExpunge => _selected?.Filter == NotifyFilter.SelectedDelayed;

    /// <summary>Starts watching: takes the first snapshot and, for NOTIFY SET STATUS, writes STATUS for each watched mailbox (§5).</summary>
    public static async Task<NotifyWatch> StartAsync(ImapSession s, NotifyCommand command, CancellationToken ct)
    {
        var watch = new NotifyWatch(command);
        var (mailboxes, subscriptions) = await ReadAsync(s, ct).ConfigureAwait(false);
        watch._mailboxes = mailboxes;
        watch._subscriptions = subscriptions;
        if (command.Status)
        {
            foreach (var info in mailboxes.Values.OrderBy(m => m.Name, StringComparer.Ordinal))
            {
                if (info.Name != s.Selected?.Name && watch.MessageEvents(info.Name) is { } events) WriteStatus(s, info, events);
            }
        }
        return watch;
    }

    /// <summary>
    /// Writes what changed since the last report (not flushed) and returns true; or writes nothing and returns false
    /// when that would be more than <paramref name="limit"/> notifications (the caller reports the overflow).
    /// </summary>
    public async Task<bool> ReportAsync(ImapSession s, int limit, CancellationToken ct)
    {
        var (mailboxes, subscriptions) = await ReadAsync(s, ct).ConfigureAwait(false);
        var pending = new List<Action<ImapSession>>();
        ReportNames(pending, mailboxes, subscriptions);
        ReportSubscriptions(pending, subscriptions);
        foreach (var info in mailboxes.Values.OrderBy(m => m.Name, StringComparer.Ordinal))
        {
            if (info.Name == s.Selected?.Name || !_mailboxes.TryGetValue(info.Name, out var before)) continue;
            if (MessageEvents(info.Name) is not { } events) continue;
            bool counts = before.Messages != info.Messages || before.UidNext != info.UidNext || before.UidValidity != info.UidValidity;
            bool flags = events.Contains(NotifyCommand.FlagChange) && before.HighestModSeq != info.HighestModSeq;
            if (counts || flags) pending.Add(session => WriteStatus(session, info, events));
        }
        _mailboxes = mailboxes;
        _subscriptions = subscriptions;
        if (pending.Count > limit) return false;
        foreach (var write in pending) write(s);
        return true;
    }

    private void ReportNames(List<Action<ImapSession>> pending, Dictionary<string, MailboxInfo> now, HashSet<string> subscriptions)
    {
        var gone = _mailboxes.Values.Where(m => !now.ContainsKey(m.Name)).ToList();
        foreach (var info in now.Values.Where(m => !_mailboxes.ContainsKey(m.Name)).OrderBy(m => m.Name, StringComparer.Ordinal))
        {
            var renamedFrom = gone.FirstOrDefault(g => g.UidValidity == info.UidValidity);
            if (renamedFrom is not null) gone.Remove(renamedFrom);
            if (!Wants(NotifyCommand.MailboxName, info.Name, subscriptions) && (renamedFrom is null || !Wants(NotifyCommand.MailboxName, renamedFrom.Name, _subscriptions))) continue;
            string attributes = subscriptions.Contains(info.Name) ? @"\Subscribed" : "";
            pending.Add(s =>
            {
                s.W.Raw("* LIST (").Raw(attributes).Raw(") \"/\" ").Mailbox(info.Name);
                if (renamedFrom is not null) s.W.Raw(" (\"OLDNAME\" (").Mailbox(renamedFrom.Name).Raw("))");
                s.W.Crlf();
            });
        }
        foreach (var info in gone.OrderBy(m => m.Name, StringComparer.Ordinal))
        {
            if (Wants(NotifyCommand.MailboxName, info.Name, _subscriptions)) pending.Add(s => WriteList(s, @"\NonExistent", info.Name));
        }
    }

    private void ReportSubscriptions(List<Action<ImapSession>> pending, HashSet<string> now)
    {
        foreach (string name in now.Except(_subscriptions).Concat(_subscriptions.Except(now)).Order(StringComparer.Ordinal))
        {
            if (!Wants(NotifyCommand.SubscriptionChange, name, now) && !Wants(NotifyCommand.SubscriptionChange, name, _subscriptions)) continue;
            string attributes = now.Contains(name) ? @"\Subscribed" : "";
            pending.Add(s => WriteList(s, attributes, name));
        }
    }

    private bool Wants(string mailboxEvent, string name, IReadOnlySet<string> subscriptions) =>
        NotifyFilters.For(_others, name, subscriptions) is { } g && g.Events.Contains(mailboxEvent);

    private IReadOnlyList<string>? MessageEvents(string name) =>
        NotifyFilters.For(_others, name, _subscriptions) is { } g && g.Events.Contains(NotifyCommand.MessageNew) ? g.Events : null;

    /// <summary>
    /// "* STATUS name (MESSAGES n UIDNEXT n UIDVALIDITY n [HIGHESTMODSEQ n])" (RFC 5465 §5.2): HIGHESTMODSEQ when CONDSTORE
    /// is on or the mailbox's events include FlagChange, whose changes only HIGHESTMODSEQ shows (as Dovecot sends it).
    /// </summary>
    private static void WriteStatus(ImapSession s, MailboxInfo info, IReadOnlyList<string> events)
    {
        s.W.Raw("* STATUS ").Mailbox(info.Name).Raw(" (MESSAGES ").Number(info.Messages).Raw(" UIDNEXT ").Number(info.UidNext)
            .Raw(" UIDVALIDITY ").Number(info.UidValidity);
        if (s.CondStore || events.Contains(NotifyCommand.FlagChange)) s.W.Raw(" HIGHESTMODSEQ ").Number(info.HighestModSeq);
        s.W.Raw(")").Crlf();
    }

    private static void WriteList(ImapSession s, string attributes, string name) =>
        s.W.Raw("* LIST (").Raw(attributes).Raw(") \"/\" ").Mailbox(name).Crlf();

    private static async Task<(Dictionary<string, MailboxInfo>, HashSet<string>)> ReadAsync(ImapSession s, CancellationToken ct)
    {
        var list = await s.Services.Mailboxes.ListMailboxesAsync(s.Account, ct).ConfigureAwait(false);
        var subscriptions = await s.Services.Mailboxes.ListSubscriptionsAsync(s.Account, ct).ConfigureAwait(false);
        return (list.ToDictionary(m => m.Name, StringComparer.Ordinal), new HashSet<string>(subscriptions, StringComparer.Ordinal));
    }
}
