using CloudMail.Listener.Imap.Mailboxes;
using CloudMail.Listener.Imap.Session;
using CloudMail.Protocols.Imap;
using CloudMail.Protocols.Imap.Commands;

namespace CloudMail.Listener.Imap.Commands;

/// <summary>STATUS (RFC 3501 §6.3.10; SIZE RFC 8438; HIGHESTMODSEQ RFC 7162 §3.1.6). RECENT is always 0.</summary>
internal static class StatusHandler
{
    public static async Task<ImapCompletion> HandleAsync(ImapSession s, StatusCommand command, CancellationToken ct)
    {
        string name = MailboxNames.Normalize(command.Mailbox);
        var info = await s.Services.Mailboxes.GetMailboxAsync(s.Account, name, ct).ConfigureAwait(false);
        if (info is null) return ImapCompletion.No(ImapResponseCodes.NonExistent, "No such mailbox");
        var w = s.W;
        w.Raw("* STATUS ").Mailbox(info.Name).Raw(" (");
        for (int i = 0; i < command.Items.Count; i++)
        {
            if (i > 0) w.Sp();
            string item = command.Items[i];
            w.Raw(item).Sp();
            switch (item)
            {
                case "MESSAGES": w.Number(info.Messages); break;
                case "RECENT": w.Number(0); break;
                case "UIDNEXT": w.Number(info.UidNext); break;
                case "UIDVALIDITY": w.Number(info.UidValidity); break;
                case "UNSEEN": w.Number(info.Unseen); break;
                case "SIZE": w.Number(info.Size); break;
                default: w.Number(info.HighestModSeq); break;
            }
        }
        w.Raw(")").Crlf();
        return ImapCompletion.Ok("STATUS completed");
    }
}
