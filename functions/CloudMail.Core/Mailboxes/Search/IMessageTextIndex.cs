namespace CloudMail.Core.Mailboxes.Search;

/// <summary>
/// A full-text index over the messages of mailboxes, which SEARCH asks before it reads any message: for each
/// <see cref="TextQuery"/>, which messages' <see cref="SearchableText"/> contains the needle, and which messages the index
/// covers at all. Embedded: SQLite FTS5 (trigram) in mail.db, filled in the background after each append. Azure: none
/// (SEARCH reads the messages, as before).
/// </summary>
public interface IMessageTextIndex
{
    /// <summary>
    /// Answers <paramref name="queries"/> for the mailbox, or null when it does not exist or its UIDVALIDITY is no longer
    /// <paramref name="uidValidity"/>. Needles must not hold CR, LF or NUL (<see cref="TextQuery.Answerable"/>).
    /// </summary>
    Task<TextIndexAnswer?> SearchAsync(string account, string mailbox, uint uidValidity, IReadOnlyList<TextQuery> queries,
        CancellationToken cancellationToken);
}

/// <summary>Which searchable text a query looks in.</summary>
public enum TextField
{
    /// <summary>SEARCH BODY: the body text.</summary>
    Body,

    /// <summary>SEARCH TEXT: the decoded value of any header field, or the body text.</summary>
    Text,

    /// <summary>SUBJECT / HEADER Subject: the lines of the Subject fields.</summary>
    Subject,

    /// <summary>FROM / HEADER From: the lines of the From fields (value, addresses, names).</summary>
    From,

    /// <summary>TO / HEADER To.</summary>
    To,

    /// <summary>CC / HEADER Cc.</summary>
    Cc,

    /// <summary>BCC / HEADER Bcc.</summary>
    Bcc,

    /// <summary>
    /// HEADER of another (non-address) field: the decoded value of any header field. A superset only — the field name is
    /// not indexed — so a match must be confirmed against the message.
    /// </summary>
    AnyHeader,
}

/// <summary>One needle in one field.</summary>
public sealed record TextQuery(TextField Field, string Needle)
{
    /// <summary>
    /// True when an index can answer <paramref name="needle"/>: not empty (matches any message with the field), no line
    /// break, and no NUL (not a character of IMAP strings, RFC 9051 §4.3, but a literal can carry one; SQLite's FTS5 query
    /// parser reads up to it). Other needles are tested by reading the messages.
    /// </summary>
    public static bool Answerable(string needle) => needle.Length > 0 && needle.AsSpan().IndexOfAny('\r', '\n', '\0') < 0;
}

/// <summary>
/// What the index knows: <see cref="Covered"/>, the UIDs of messages in the mailbox whose whole searchable text is indexed;
/// for each query (same order), the UIDs whose indexed text contains the needle. Messages not covered (appended moments ago,
/// before the index existed, too large to index whole, unreadable) must be read to be tested.
/// </summary>
public sealed record TextIndexAnswer(IReadOnlySet<uint> Covered, IReadOnlyList<IReadOnlySet<uint>> Matches);
