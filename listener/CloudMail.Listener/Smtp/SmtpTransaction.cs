using System.Collections.Immutable;
using CloudMail.Core.Messages;
using CloudMail.Protocols.Smtp.Commands;

namespace CloudMail.Listener.Smtp;

/// <summary>
/// One mail transaction (RFC 5321 §3.3): the MAIL command and the recipients accepted so far. Immutable: each
/// accepted RCPT gives a new value; RSET, HELO/EHLO, STARTTLS and the end of DATA/BDAT LAST drop it.
/// </summary>
/// <param name="Mail">The accepted MAIL command (reverse-path and parameters).</param>
/// <param name="Recipients">Accepted forward-paths, in order, each once (compared ignoring case).</param>
/// <param name="RecipientDsn">NOTIFY/ORCPT of the accepted recipients that gave either (RFC 3461 §4.1, §4.2).</param>
internal sealed record SmtpTransaction(MailCommand Mail, ImmutableArray<string> Recipients, ImmutableArray<RecipientDsn> RecipientDsn)
{
    /// <summary>A transaction just opened by MAIL.</summary>
    public static SmtpTransaction Begin(MailCommand mail) => new(mail, [], []);

    /// <summary>
    /// This transaction with <paramref name="address"/> accepted, keeping the DSN parameters of <paramref name="rcpt"/>;
    /// the same one when the address is already there (its first RCPT's parameters stand).
    /// </summary>
    public SmtpTransaction WithRecipient(string address, RcptCommand rcpt)
    {
        if (Recipients.Contains(address, StringComparer.OrdinalIgnoreCase)) return this;
        var dsn = rcpt.Notify == SmtpDsnNotify.Unspecified && rcpt.OriginalRecipient is null
            ? RecipientDsn
            : RecipientDsn.Add(new RecipientDsn(address, ToCore(rcpt.Notify), rcpt.OriginalRecipient));
        return this with { Recipients = Recipients.Add(address), RecipientDsn = dsn };
    }

    /// <summary>
    /// The envelope's DSN parameters (RFC 3461 §4): RET and ENVID of MAIL and the recipients that gave NOTIFY or ORCPT;
    /// null when the client used none.
    /// </summary>
    public EnvelopeDsn? Dsn() =>
        Mail.Return is null && Mail.EnvelopeId is null && RecipientDsn.IsEmpty
            ? null
            : new EnvelopeDsn(Mail.Return switch
            {
                SmtpDsnReturn.Full => DsnReturn.Full,
                SmtpDsnReturn.Headers => DsnReturn.Headers,
                _ => null,
            }, Mail.EnvelopeId, [.. RecipientDsn]);

    private static DsnNotify ToCore(SmtpDsnNotify notify) =>
        (notify.HasFlag(SmtpDsnNotify.Never) ? DsnNotify.Never : DsnNotify.Default)
        | (notify.HasFlag(SmtpDsnNotify.Success) ? DsnNotify.Success : DsnNotify.Default)
        | (notify.HasFlag(SmtpDsnNotify.Failure) ? DsnNotify.Failure : DsnNotify.Default)
        | (notify.HasFlag(SmtpDsnNotify.Delay) ? DsnNotify.Delay : DsnNotify.Default);
}
