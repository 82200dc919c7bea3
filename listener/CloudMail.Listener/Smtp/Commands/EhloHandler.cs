using System.Text;
using CloudMail.Protocols.Sasl;
using CloudMail.Protocols.Smtp;
using CloudMail.Protocols.Smtp.Commands;

namespace CloudMail.Listener.Smtp.Commands;

/// <summary>EHLO and HELO (RFC 5321 §4.1.1.1): reset any transaction and answer with the extensions offered here.</summary>
internal static class EhloHandler
{
    public static ValueTask<bool> HandleEhloAsync(SmtpSession s, EhloCommand ehlo, SmtpState next) => GreetAsync(s, new SmtpGreeting(ehlo.Domain, Extended: true), next);

    public static ValueTask<bool> HandleHeloAsync(SmtpSession s, HeloCommand helo, SmtpState next) => GreetAsync(s, new SmtpGreeting(helo.Domain, Extended: false), next);

    private static async ValueTask<bool> GreetAsync(SmtpSession s, SmtpGreeting greeting, SmtpState next)
    {
        await s.AbandonTransactionAsync().ConfigureAwait(false);
        s.Greeted(greeting, next);
        if (!greeting.Extended)
        {
            s.Send(SmtpReplies.Helo(s.Services.HostName));
            return true;
        }
        var lines = new List<string>(12)
        {
            $"{s.Services.HostName} Hello {greeting.HeloName} [{s.Remote}]",
            "PIPELINING",
            $"SIZE {s.Options.MaxMessageSize}",
            "8BITMIME",
            "SMTPUTF8",
            "ENHANCEDSTATUSCODES",
        };
        if (s.Options.EnableChunking) lines.Add("CHUNKING");
        lines.Add("DSN"); // RFC 3461 §4
        // RFC 9422 §4.2: the recipients one transaction takes; beyond them RCPT gets 452 4.5.3 and the client sends the
        // rest in another transaction (RFC 5321 §4.5.3.1.10).
        lines.Add("LIMITS RCPTMAX=" + s.Options.MaxRecipients.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (s.Connection.IsSecure) lines.Add("REQUIRETLS"); // RFC 8689 §4: offered only over TLS
        if (!s.Connection.IsSecure) lines.Add("STARTTLS");
        if (s.AuthOffered) lines.Add("AUTH " + SaslMechanisms.All);
        var sb = new StringBuilder(256);
        for (int i = 0; i < lines.Count; i++)
        {
            sb.Append(250).Append(i == lines.Count - 1 ? ' ' : '-').Append(lines[i]).Append("\r\n");
        }
        s.Connection.Write(sb.ToString());
        return true;
    }
}
