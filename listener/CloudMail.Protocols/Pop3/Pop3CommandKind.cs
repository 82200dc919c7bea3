namespace CloudMail.Protocols.Pop3;

/// <summary>Every POP3 command CloudMail understands.</summary>
public enum Pop3CommandKind
{
    /// <summary>RFC 2449 §5.</summary>
    Capa,

    /// <summary>RFC 1939 §7.</summary>
    User,

    /// <summary>RFC 1939 §7.</summary>
    Pass,

    /// <summary>RFC 5034 §4.</summary>
    Auth,

    /// <summary>RFC 2595 §4.</summary>
    Stls,

    /// <summary>RFC 1939 §5.</summary>
    Stat,

    /// <summary>RFC 1939 §5.</summary>
    List,

    /// <summary>RFC 1939 §7.</summary>
    Uidl,

    /// <summary>RFC 1939 §5.</summary>
    Retr,

    /// <summary>RFC 1939 §7.</summary>
    Top,

    /// <summary>RFC 1939 §5.</summary>
    Dele,

    /// <summary>RFC 1939 §5.</summary>
    Rset,

    /// <summary>RFC 1939 §5.</summary>
    Noop,

    /// <summary>RFC 1939 §4 (AUTHORIZATION) and §6 (TRANSACTION → UPDATE).</summary>
    Quit,
}
