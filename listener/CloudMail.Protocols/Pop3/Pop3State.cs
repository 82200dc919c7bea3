namespace CloudMail.Protocols.Pop3;

/// <summary>The states of a POP3 session (RFC 1939 §3).</summary>
public enum Pop3State
{
    /// <summary>After the greeting: the client identifies itself (USER/PASS, AUTH) or starts TLS (STLS).</summary>
    Authorization,

    /// <summary>The maildrop is locked and the client works on it.</summary>
    Transaction,

    /// <summary>After QUIT in TRANSACTION: deletions are applied, then the connection closes (RFC 1939 §6).</summary>
    Update,

    /// <summary>The session is over; the connection closes.</summary>
    Closed,
}
