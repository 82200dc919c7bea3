namespace CloudMail.Core.Mailboxes;

/// <summary>Special-use mailbox attributes (RFC 6154). Stored per mailbox; None for ordinary mailboxes.</summary>
public enum SpecialUse
{
    None = 0,
    Sent,
    Drafts,
    Trash,
    Junk,
    Archive,
    All,
    Flagged,
}

/// <summary>The mailboxes every new account gets, and their special-use attributes.</summary>
public static class DefaultMailboxes
{
    public const string Inbox = "INBOX";

    /// <summary>Where mail the inbound filters judge spam is filed.</summary>
    public const string Junk = "Junk";

    public static readonly IReadOnlyList<(string Name, SpecialUse Use)> ForNewAccount =
    [
        (Inbox, SpecialUse.None),
        ("Sent", SpecialUse.Sent),
        ("Drafts", SpecialUse.Drafts),
        ("Trash", SpecialUse.Trash),
        (Junk, SpecialUse.Junk),
    ];

    /// <summary>The hierarchy delimiter of mailbox names.</summary>
    public const char Delimiter = '/';

    /// <summary>
    /// Longest mailbox name, in characters, that every <see cref="IMailboxIndex"/> backend stores and finds again
    /// (whatever characters it holds); the protocols' configurable limits stay at or below it.
    /// </summary>
    public const int MaxNameLength = 4096;

    /// <summary>INBOX is case-insensitive (RFC 9051 §5.1); every other name is case-sensitive.</summary>
    public static string Canonical(string name) =>
        string.Equals(name, Inbox, StringComparison.OrdinalIgnoreCase) ? Inbox : name;
}
