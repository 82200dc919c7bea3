using CloudMail.Protocols.Smtp;
using CloudMail.Protocols.Smtp.Commands;

namespace CloudMail.Listener.Smtp.Commands;

/// <summary>
/// Runs one command that <see cref="SmtpStateTable"/> allowed; <paramref name="next"/> is where success leads.
/// Returns false when the session must end.
/// </summary>
internal delegate ValueTask<bool> SmtpCommandHandler(SmtpSession session, SmtpCommand command, SmtpState next);

/// <summary>Which handler runs each verb of <see cref="SmtpStateTable"/> (one file per command or group here).</summary>
internal static class SmtpCommandHandlers
{
    private static SmtpCommandHandler Bind<T>(Func<SmtpSession, T, SmtpState, ValueTask<bool>> handle)
        where T : SmtpCommand => (s, c, next) => handle(s, (T)c, next);

    private static readonly IReadOnlyDictionary<SmtpVerb, SmtpCommandHandler> ByVerb = new Dictionary<SmtpVerb, SmtpCommandHandler>
    {
        [SmtpVerb.Ehlo] = Bind<EhloCommand>(EhloHandler.HandleEhloAsync),
        [SmtpVerb.Helo] = Bind<HeloCommand>(EhloHandler.HandleHeloAsync),
        [SmtpVerb.Mail] = Bind<MailCommand>(MailHandler.HandleAsync),
        [SmtpVerb.Rcpt] = Bind<RcptCommand>(RcptHandler.HandleAsync),
        [SmtpVerb.Data] = Bind<DataCommand>(DataHandler.HandleAsync),
        [SmtpVerb.Bdat] = Bind<BdatCommand>(BdatHandler.HandleAsync),
        [SmtpVerb.BdatLast] = Bind<BdatCommand>(BdatHandler.HandleAsync),
        [SmtpVerb.Auth] = Bind<AuthCommand>(AuthHandler.HandleAsync),
        [SmtpVerb.StartTls] = Bind<StartTlsCommand>(StartTlsHandler.HandleAsync),
        [SmtpVerb.Rset] = Bind<RsetCommand>(RsetHandler.HandleAsync),
        [SmtpVerb.Quit] = Bind<QuitCommand>(QuitHandler.HandleAsync),
        [SmtpVerb.Noop] = InformationHandler.HandleAsync,
        [SmtpVerb.Vrfy] = InformationHandler.HandleAsync,
        [SmtpVerb.Expn] = InformationHandler.HandleAsync,
        [SmtpVerb.Help] = InformationHandler.HandleAsync,
    };

    /// <summary>The handler of <paramref name="verb"/>; every verb has one (a test checks it).</summary>
    public static SmtpCommandHandler For(SmtpVerb verb) => ByVerb[verb];
}
