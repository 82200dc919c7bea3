using CloudMail.Protocols.Smtp;
using CloudMail.Protocols.Smtp.Commands;

namespace CloudMail.Listener.Smtp.Commands;

/// <summary>RSET (RFC 5321 §4.1.1.5): the transaction is dropped, the greeting and login stay.</summary>
internal static class RsetHandler
{
    public static async ValueTask<bool> HandleAsync(SmtpSession s, RsetCommand command, SmtpState next)
    {
        await s.AbandonTransactionAsync().ConfigureAwait(false);
        s.EnterState(next);
        s.Send(SmtpReplies.Ok);
        return true;
    }
}
