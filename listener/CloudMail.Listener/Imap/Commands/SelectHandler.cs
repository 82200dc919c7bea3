using CloudMail.Core.Mailboxes;
using CloudMail.Listener.Imap.Mailboxes;
using CloudMail.Listener.Imap.Messages;
using CloudMail.Listener.Imap.Session;
using CloudMail.Protocols.Imap;
using CloudMail.Protocols.Imap.Commands;
using CloudMail.Protocols.Imap.Model;

namespace CloudMail.Listener.Imap.Commands;

/// <summary>
/// SELECT and EXAMINE (RFC 3501 §6.3.1, §6.3.2; HIGHESTMODSEQ per RFC 7162 §3.1.2.1). With QRESYNC enabled: <c>* OK
/// [CLOSED]</c> when another mailbox was selected (§3.2.11), and the QRESYNC parameter (§3.2.5) answers, when the UIDVALIDITY
/// is still the client's, with <c>* VANISHED (EARLIER)</c> for what it knew that is gone and a FETCH of FLAGS and MODSEQ for
/// every message changed since its MODSEQ. The parameter without ENABLE QRESYNC is BAD (§3.2.5). After ENABLE IMAP4rev2:
/// no RECENT or [UNSEEN], a LIST response instead (RFC 9051 §6.3.2), and [CLOSED] as with QRESYNC.
/// </summary>
internal static class SelectHandler
{
    public static async Task<ImapCompletion> HandleAsync(ImapSession s, SelectCommand command, CancellationToken ct)
    {
        if (command.QResync is not null && !s.QResync) return ImapCompletion.Bad("QRESYNC must be enabled first");
        if (s.Selected is not null && (s.QResync || s.Rev2)) s.W.Untagged(ImapStatus.Ok, ImapResponseCodes.Closed, "Previous mailbox closed");
        // RFC 3501 §6.3.1: a failed SELECT leaves no mailbox selected.
        s.Select(null);
        string name = MailboxNames.Normalize(command.Mailbox);
        var info = await s.Services.Mailboxes.GetMailboxAsync(s.Account, name, ct).ConfigureAwait(false);
        if (info is null) return ImapCompletion.No(ImapResponseCodes.NonExistent, "No such mailbox");
        var messages = await s.Services.Listings.ListAsync(s.Account, info, ct).ConfigureAwait(false);
        var view = new SelectedMailbox(info, messages, command.ReadOnly, s.Rev2 ? null : s.Services.Recent, s.Account) { ReportsRecent = !s.Rev2 };
        if (command.CondStore) s.CondStore = true;

        var w = s.W;
        view.WriteFlagsAndPermanentFlags(w);
        w.Raw("* ").Number(view.Count).Raw(" EXISTS").Crlf();
        if (s.Rev2)
        {
            // RFC 9051 §6.3.2: a LIST response with the mailbox name instead of RECENT and [UNSEEN], which rev2 dropped.
            w.Raw("* LIST () \"/\" ").Mailbox(view.Name).Crlf();
        }
        else
        {
            w.Raw("* ").Number(view.RecentCount).Raw(" RECENT").Crlf();
            int firstUnseen = FirstUnseen(view);
            if (firstUnseen > 0) w.Untagged(ImapStatus.Ok, ImapResponseCodes.Unseen + " " + firstUnseen, "First unseen");
        }
        w.Untagged(ImapStatus.Ok, ImapResponseCodes.UidValidity + " " + view.UidValidity, "UIDs valid");
        w.Untagged(ImapStatus.Ok, ImapResponseCodes.UidNext + " " + view.UidNext, "Predicted next UID");
        w.Untagged(ImapStatus.Ok, ImapResponseCodes.HighestModSeq + " " + view.HighestModSeq, "Highest");
        w.Untagged(ImapStatus.Ok, ImapResponseCodes.MailboxId + " (" + ObjectIds.MailboxId(s.Account, view.UidValidity) + ")", "Ok"); // RFC 8474 §4.1
        if (command.QResync is { } known && known.UidValidity == view.UidValidity)
        {
            var changes = await s.Services.Mailboxes.GetChangesSinceAsync(s.Account, name, known.ModSeq, ct).ConfigureAwait(false);
            if (VanishedUids.Format(changes, known.KnownUids, Math.Max(view.LargestUid, view.UidNext - 1)) is { } vanished)
                w.Raw("* VANISHED (EARLIER) ").Raw(vanished).Crlf();
            var changed = new HashSet<uint>(changes.Changed.Where(m => m.ModSeq > known.ModSeq).Select(m => m.Uid));
            for (int seq = 1; seq <= view.Count; seq++)
            {
                if (changed.Contains(view.UidAt(seq))) view.WriteFlags(w, seq, view.RecordAt(seq), condStore: true);
            }
        }
        s.Select(view);
        return ImapCompletion.Ok(command.Name + " completed", command.ReadOnly ? ImapResponseCodes.ReadOnly : ImapResponseCodes.ReadWrite);
    }

    private static int FirstUnseen(SelectedMailbox view)
    {
        for (int seq = 1; seq <= view.Count; seq++)
            if (!view.RecordAt(seq).Flags.HasFlag(MessageFlags.Seen)) return seq;
        return 0;
    }
}
