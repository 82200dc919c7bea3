using CloudMail.Listener.Network;
using CloudMail.Protocols.Smtp;
using CloudMail.Protocols.Smtp.Commands;

namespace CloudMail.Listener.Smtp.Commands;

/// <summary>
/// STARTTLS (RFC 3207 §4): 220, then the handshake. Input the client sent behind the command is
/// discarded, never executed (§4.2; CVE-2011-0411), and everything learned before is forgotten: the
/// client must send EHLO again. Refused with 454 on an already secure connection, in the dispatcher.
/// </summary>
internal static class StartTlsHandler
{
    public static async ValueTask<bool> HandleAsync(SmtpSession s, StartTlsCommand command, SmtpState next)
    {
        s.Send(SmtpReplies.ReadyToStartTls);
        s.DiscardInput();
        if (await s.Connection.TryUpgradeToTlsAsync(s.Options.TlsHandshakeTimeout, s.Shutdown).ConfigureAwait(false) is { } failure)
        {
            SmtpLog.TlsFailed(s.Log, s.Remote, failure);
            return false;
        }
        await s.AbandonTransactionAsync().ConfigureAwait(false);
        s.ForgetAll(next);
        return true;
    }
}
