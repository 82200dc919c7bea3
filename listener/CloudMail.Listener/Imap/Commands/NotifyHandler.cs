using CloudMail.Listener.Imap.Notify;
using CloudMail.Listener.Imap.Session;
using CloudMail.Protocols.Imap.Commands;

namespace CloudMail.Listener.Imap.Commands;

/// <summary>
/// NOTIFY (RFC 5465 §5): NONE stops all notifications; SET replaces the previous set (after the §5 checks: BAD for the
/// event combinations it forbids, NO [BADEVENT] for an event CloudMail does not report) and, with STATUS, first sends the
/// STATUS of each watched mailbox. From then on the session pushes changes between commands (<see cref="NotifyWatch"/>).
/// </summary>
internal static class NotifyHandler
{
    public static async Task<ImapCompletion> HandleAsync(ImapSession s, NotifyCommand command, CancellationToken ct)
    {
        if (!command.Set)
        {
            s.Notify = null;
            return ImapCompletion.Ok("NOTIFY completed");
        }
        if (command.Check() is { } refusal)
            return refusal.Bad ? ImapCompletion.Bad(refusal.Text) : ImapCompletion.No(refusal.Code, refusal.Text, isError: true);
        s.Notify = await NotifyWatch.StartAsync(s, command, ct).ConfigureAwait(false);
        return ImapCompletion.Ok("NOTIFY completed");
    }
}
