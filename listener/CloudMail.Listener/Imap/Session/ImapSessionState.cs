namespace CloudMail.Listener.Imap.Session;

/// <summary>The IMAP connection states of RFC 3501 §3.</summary>
internal enum ImapSessionState
{
    NotAuthenticated,
    Authenticated,
    Selected,
    Logout,
}

/// <summary>Sets of states a command is valid in.</summary>
[Flags]
internal enum ImapStates
{
    NotAuthenticated = 1,
    Authenticated = 2,
    Selected = 4,

    /// <summary>Authenticated or Selected (RFC 3501 §6.3 commands).</summary>
    LoggedIn = Authenticated | Selected,
    Any = NotAuthenticated | Authenticated | Selected,
}

/// <summary>Which unsolicited updates about the selected mailbox may accompany a command's response.</summary>
internal enum UntaggedUpdates
{
    /// <summary>None (the command changes which mailbox is selected, or ends the session).</summary>
    None,

    /// <summary>EXISTS and FETCH FLAGS but not EXPUNGE: FETCH, STORE, SEARCH (RFC 3501 §7.4.1).</summary>
    NoExpunge,

    /// <summary>All of them, EXPUNGE included.</summary>
    All,
}
