using System.Collections.Immutable;
using CloudMail.Protocols.Smtp.Commands;

namespace CloudMail.Listener.Smtp;

/// <summary>
/// One mail transaction (RFC 5321 §3.3): the MAIL command and the recipients accepted so far. Immutable: each
/// accepted RCPT gives a new value; RSET, HELO/EHLO, STARTTLS and the end of DATA/BDAT LAST drop it.
/// </summary>
/// <param name="Mail">The accepted MAIL command (reverse-path and parameters).</param>
/// <param name="Recipients">Accepted forward-paths, in order, each once (compared ignoring case).</param>
internal sealed record SmtpTransaction(MailCommand Mail, ImmutableArray<string> Recipients)
{
    /// <summary>A transaction just opened by MAIL.</summary>
    public static SmtpTransaction Begin(MailCommand mail) => new(mail, []);

    /// <summary>This transaction with <paramref name="address"/> accepted; the same one when it is already there.</summary>
    public SmtpTransaction WithRecipient(string address) =>
        Recipients.Contains(address, StringComparer.OrdinalIgnoreCase) ? this : this with { Recipients = Recipients.Add(address) };
}
