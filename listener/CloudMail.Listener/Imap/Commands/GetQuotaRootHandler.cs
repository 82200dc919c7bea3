using CloudMail.Listener.Imap.Mailboxes;
using CloudMail.Listener.Imap.Session;
using CloudMail.Protocols.Imap;
using CloudMail.Protocols.Imap.Commands;

namespace CloudMail.Listener.Imap.Commands;

/// <summary>
/// GETQUOTAROOT mailbox (RFC 9208 §4.2.2): <c>* QUOTAROOT mailbox ""</c> and the root's <c>* QUOTA</c> line
/// (<see cref="GetQuotaHandler"/>); for an unlimited account <c>* QUOTAROOT mailbox</c> with no root.
/// </summary>
internal static class GetQuotaRootHandler
{
    public static async Task<ImapCompletion> HandleAsync(ImapSession s, MailboxCommand command, CancellationToken ct)
    {
        string name = MailboxNames.Normalize(command.Mailbox);
        if (await s.Services.Mailboxes.GetMailboxAsync(s.Account, name, ct).ConfigureAwait(false) is null)
            return ImapCompletion.No(ImapResponseCodes.NonExistent, "No such mailbox");
        var status = await s.Services.Quotas.GetStatusAsync(s.Account, ct).ConfigureAwait(false);
        s.W.Raw("* QUOTAROOT ").Mailbox(name);
        if (status is { Limits.IsUnlimited: false })
        {
            s.W.Sp().Quoted(GetQuotaHandler.AccountRoot).Crlf();
            GetQuotaHandler.Write(s, status);
        }
        else
        {
            s.W.Crlf();
        }
        return ImapCompletion.Ok("GETQUOTAROOT completed");
    }
}
