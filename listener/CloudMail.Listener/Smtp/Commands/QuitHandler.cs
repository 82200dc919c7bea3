using CloudMail.Protocols.Smtp;
using CloudMail.Protocols.Smtp.Commands;

namespace CloudMail.Listener.Smtp.Commands;

/// <summary>QUIT (RFC 5321 §4.1.1.10): 221, then the session ends.</summary>
internal static class QuitHandler
{
    public static ValueTask<bool> HandleAsync(SmtpSession s, QuitCommand command, SmtpState next)
    {
        s.Send(SmtpReplies.Bye);
        return ValueTask.FromResult(false);
    }
}
