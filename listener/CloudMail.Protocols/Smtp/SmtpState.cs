namespace CloudMail.Protocols.Smtp;

/// <summary>Where an SMTP session is between commands (RFC 5321 §3.3, §4.1.4).</summary>
public enum SmtpState
{
    /// <summary>Greeting sent (or TLS just started, RFC 3207 §4.2); HELO/EHLO not yet given.</summary>
    Connected,

    /// <summary>HELO/EHLO accepted; no mail transaction open.</summary>
    Greeted,

    /// <summary>MAIL accepted; no recipient accepted yet.</summary>
    MailGiven,

    /// <summary>At least one RCPT accepted.</summary>
    RcptGiven,

    /// <summary>One or more BDAT chunks received, BDAT LAST not yet (RFC 3030 §2).</summary>
    BdatInProgress,
}
