namespace CloudMail.Protocols.Smtp;

/// <summary>The commands the server knows (RFC 5321 §4.1.1, RFC 3207, RFC 4954, RFC 3030).</summary>
public enum SmtpVerb
{
    Helo,
    Ehlo,
    Mail,
    Rcpt,
    Data,

    /// <summary>BDAT chunk that is not the last one (RFC 3030 §2).</summary>
    Bdat,

    /// <summary>BDAT ... LAST: ends the message. A separate verb so the state table can say where it leads.</summary>
    BdatLast,
    Rset,
    Noop,
    Quit,
    Vrfy,
    Expn,
    Help,
    StartTls,
    Auth,
}
