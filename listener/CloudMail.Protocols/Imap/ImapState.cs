namespace CloudMail.Protocols.Imap;

/// <summary>The IMAP connection states (RFC 9051 §3, RFC 3501 §3).</summary>
public enum ImapState
{
    /// <summary>RFC 9051 §3.1: before LOGIN or AUTHENTICATE.</summary>
    NotAuthenticated,

    /// <summary>RFC 9051 §3.2: logged in, no mailbox selected.</summary>
    Authenticated,

    /// <summary>RFC 9051 §3.3: a mailbox is selected.</summary>
    Selected,

    /// <summary>RFC 9051 §3.4: LOGOUT given or the server is closing.</summary>
    Logout,
}

/// <summary>Sets of states a command is valid in.</summary>
[Flags]
public enum ImapStates
{
    NotAuthenticated = 1,
    Authenticated = 2,
    Selected = 4,

    /// <summary>Authenticated or Selected (RFC 9051 §6.3 commands are valid in both).</summary>
    LoggedIn = Authenticated | Selected,
    Any = NotAuthenticated | Authenticated | Selected,
}

/// <summary>Which unsolicited updates about the selected mailbox may accompany a command's response.</summary>
public enum UntaggedUpdates
{
    /// <summary>None (the command changes which mailbox is selected, or ends the session).</summary>
    None,

    /// <summary>EXISTS and FETCH FLAGS but not EXPUNGE: FETCH, STORE, SEARCH (RFC 3501 §7.4.1, RFC 9051 §7.5.1).</summary>
    NoExpunge,

    /// <summary>All of them, EXPUNGE included.</summary>
    All,
}
