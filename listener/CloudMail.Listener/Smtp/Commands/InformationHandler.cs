using CloudMail.Protocols.Smtp;
using CloudMail.Protocols.Smtp.Commands;

namespace CloudMail.Listener.Smtp.Commands;

/// <summary>NOOP, VRFY, EXPN and HELP (RFC 5321 §4.1.1.6 to §4.1.1.9): replies that change nothing.</summary>
internal static class InformationHandler
{
    public static ValueTask<bool> HandleAsync(SmtpSession s, SmtpCommand command, SmtpState next) => command switch
    {
        NoopCommand => Reply(s, SmtpReplies.Ok),
        VrfyCommand => Reply(s, SmtpReplies.CannotVerify), // RFC 5321 §3.5.3: 252, addresses are not disclosed
        HelpCommand => Reply(s, SmtpReplies.Help),
        _ => ValueTask.FromResult(s.Error(SmtpReplies.NotImplemented)), // EXPN: mailing lists are not disclosed (RFC 5321 §7.3)
    };

    private static ValueTask<bool> Reply(SmtpSession s, SmtpReply reply)
    {
        s.Send(reply);
        return ValueTask.FromResult(true);
    }
}
