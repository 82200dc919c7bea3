using CloudMail.Listener.Imap.Mailboxes;
using CloudMail.Listener.Imap.Session;
using CloudMail.Protocols.Imap;
using CloudMail.Protocols.Imap.Commands;

namespace CloudMail.Listener.Imap.Commands;

/// <summary>
/// STATUS (RFC 3501 §6.3.10; SIZE RFC 8438; HIGHESTMODSEQ RFC 7162 §3.1.6; DELETED RFC 9051 §6.3.11; DELETED-STORAGE
/// RFC 9208 §5.3; MAILBOXID RFC 8474 §4.2; APPENDLIMIT RFC 7889 §3.2: the same limit for every mailbox, the one the
/// APPENDLIMIT= capability names). RECENT counts the messages no session has claimed as recent yet (<see cref="RecentClaims"/>); STATUS
/// itself claims nothing. DELETED and DELETED-STORAGE read the mailbox's messages (the index keeps no count of \Deleted).
/// </summary>
internal static class StatusHandler
{
    public static async Task<ImapCompletion> HandleAsync(ImapSession s, StatusCommand command, CancellationToken ct)
    {
        string name = MailboxNames.Normalize(command.Mailbox);
        var info = await s.Services.Mailboxes.GetMailboxAsync(s.Account, name, ct).ConfigureAwait(false);
        if (info is null) return ImapCompletion.No(ImapResponseCodes.NonExistent, "No such mailbox");
        await WriteAsync(s, info, command.Items, ct).ConfigureAwait(false);
        return ImapCompletion.Ok("STATUS completed");
    }

    /// <summary>"* STATUS mailbox (item value ...)" for <paramref name="info"/>; also after LIST lines (RFC 5819).</summary>
    public static async Task WriteAsync(ImapSession s, Core.Mailboxes.MailboxInfo info, IReadOnlyList<string> items, CancellationToken ct)
    {
        var w = s.W;
        IReadOnlyList<Core.Mailboxes.MessageRecord>? deleted = items.Any(i => i.StartsWith("DELETED", StringComparison.Ordinal))
            ? [.. (await s.Services.Listings.ListAsync(s.Account, info, ct).ConfigureAwait(false))
                .Where(m => m.Flags.HasFlag(Core.Mailboxes.MessageFlags.Deleted))]
            : null;
        w.Raw("* STATUS ").Mailbox(info.Name).Raw(" (");
        for (int i = 0; i < items.Count; i++)
        {
            if (i > 0) w.Sp();
            string item = items[i];
            w.Raw(item).Sp();
            switch (item)
            {
                case "MESSAGES": w.Number(info.Messages); break;
                case "RECENT": w.Number(await UnclaimedCountAsync(s, info, ct).ConfigureAwait(false)); break;
                case "UIDNEXT": w.Number(info.UidNext); break;
                case "UIDVALIDITY": w.Number(info.UidValidity); break;
                case "UNSEEN": w.Number(info.Unseen); break;
                case "SIZE": w.Number(info.Size); break;
                case "DELETED": w.Number(deleted!.Count); break;
                case "DELETED-STORAGE": w.Number(deleted!.Sum(m => m.Size)); break;
                case "MAILBOXID": w.Raw("(").Raw(Messages.ObjectIds.MailboxId(s.Account, info.UidValidity)).Raw(")"); break; // RFC 8474 §4.2
                case "APPENDLIMIT": w.Number(s.Options.MaxLiteralSize); break;
                default: w.Number(info.HighestModSeq); break;
            }
        }
        w.Raw(")").Crlf();
    }

    private static async Task<int> UnclaimedCountAsync(ImapSession s, Core.Mailboxes.MailboxInfo info, CancellationToken ct)
    {
        uint first = s.Services.Recent.FirstUnclaimed(s.Account, info.Name, info.UidValidity);
        if (first <= 1) return info.Messages;
        if (first >= info.UidNext) return 0;
        var messages = await s.Services.Listings.ListAsync(s.Account, info, ct).ConfigureAwait(false);
        return messages.Count(m => m.Uid >= first);
    }
}
