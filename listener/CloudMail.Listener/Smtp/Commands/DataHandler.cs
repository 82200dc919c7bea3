using CloudMail.Protocols.Smtp;
using CloudMail.Protocols.Smtp.Commands;
using CloudMail.Protocols.Smtp.Data;

namespace CloudMail.Listener.Smtp.Commands;

/// <summary>
/// DATA (RFC 5321 §4.1.1.4): 354, then content until &lt;CRLF&gt;.&lt;CRLF&gt; only (see <see cref="SmtpDataReader"/>
/// for the smuggling rules), streamed into the blob store; 250 only after the commit. The transaction ends whatever the outcome.
/// </summary>
internal static class DataHandler
{
    public static async ValueTask<bool> HandleAsync(SmtpSession s, DataCommand command, SmtpState next)
    {
        var message = s.TryBeginMessage();
        if (message is null)
        {
            await s.AbandonTransactionAsync().ConfigureAwait(false);
            s.EnterState(next);
            return true;
        }
        await using var messageScope = message.ConfigureAwait(false);
        s.Send(SmtpReplies.StartMailInput);
        await s.FlushAsync().ConfigureAwait(false); // RFC 2920 §3.1: DATA ends a command group; the client waits for 354
        if (!await s.ReceiveBlockAsync(new SmtpDataReader().Read, message).ConfigureAwait(false)) return false; // client vanished mid-data
        await s.FinishMessageAsync(message).ConfigureAwait(false);
        s.EnterState(next);
        return true;
    }
}
