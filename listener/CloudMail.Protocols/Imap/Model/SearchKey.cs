namespace CloudMail.Protocols.Imap.Model;

/// <summary>A parsed SEARCH criterion (RFC 3501 §6.4.4). A list of keys is an implicit AND.</summary>
public abstract record SearchKey;

/// <summary>ALL.</summary>
public sealed record SearchAll : SearchKey
{
    public static readonly SearchAll Instance = new();
}

/// <summary>Space-separated keys and parenthesized groups: all must match.</summary>
public sealed record SearchAnd(IReadOnlyList<SearchKey> Keys) : SearchKey;

/// <summary>OR key1 key2.</summary>
public sealed record SearchOr(SearchKey Left, SearchKey Right) : SearchKey;

/// <summary>NOT key.</summary>
public sealed record SearchNot(SearchKey Key) : SearchKey;

/// <summary>
/// A system flag test: ANSWERED/UNANSWERED, DELETED/UNDELETED, DRAFT/UNDRAFT, FLAGGED/UNFLAGGED, SEEN/UNSEEN,
/// and RECENT (<see cref="Flag"/> "\Recent"). <see cref="Flag"/> is spelled as on the wire, e.g. "\Seen".
/// </summary>
public sealed record SearchFlag(string Flag, bool Set) : SearchKey;

/// <summary>KEYWORD / UNKEYWORD.</summary>
public sealed record SearchKeyword(string Keyword, bool Set) : SearchKey;

/// <summary>NEW (RECENT and UNSEEN) and OLD (NOT RECENT).</summary>
public sealed record SearchNewOld(bool New) : SearchKey;

/// <summary>
/// FROM, TO, CC, BCC, SUBJECT (as their header names) and HEADER field-name string: the field's decoded value
/// contains <see cref="Value"/> case-insensitively; an empty value matches every message with the field.
/// </summary>
public sealed record SearchHeader(string Field, string Value) : SearchKey;

/// <summary>BODY (only the body) or TEXT (header and body) contains <see cref="Value"/>.</summary>
public sealed record SearchText(bool BodyOnly, string Value) : SearchKey;

/// <summary>Which date a date key compares.</summary>
public enum SearchDateField
{
    /// <summary>BEFORE, ON, SINCE: the internal date.</summary>
    Internal,

    /// <summary>SENTBEFORE, SENTON, SENTSINCE: the Date header.</summary>
    Sent,

    /// <summary>SAVEDBEFORE, SAVEDON, SAVEDSINCE (RFC 8514 §4.3): the save date, or the internal date when it is unknown.</summary>
    Saved,
}

/// <summary>How a date key compares (dates only, times and zones disregarded, RFC 3501 §6.4.4).</summary>
public enum SearchDateComparison
{
    Before,
    On,
    Since,
}

public sealed record SearchDate(SearchDateField Field, SearchDateComparison Comparison, DateOnly Date) : SearchKey;

/// <summary>
/// OLDER n / YOUNGER n (RFC 5032 §2): the internal date is more than <see cref="Seconds"/> seconds before the time of the
/// search (OLDER), or not (YOUNGER). The two are complements, so "OLDER n" and "NOT YOUNGER n" select the same messages.
/// </summary>
public sealed record SearchWithin(bool Older, uint Seconds) : SearchKey;

/// <summary>EMAILID id / THREADID id (RFC 8474 §6): the message's EMAILID (or THREADID) is <see cref="Id"/>.</summary>
public sealed record SearchObjectId(bool Thread, string Id) : SearchKey;

/// <summary>LARGER n (size &gt; n) or SMALLER n (size &lt; n).</summary>
public sealed record SearchSize(bool Larger, uint Size) : SearchKey;

/// <summary>A sequence set (<see cref="Uid"/> false) or UID set.</summary>
public sealed record SearchSet(SequenceSet Set, bool Uid) : SearchKey;

/// <summary>
/// SAVEDATESUPPORTED (RFC 8514 §4.3): every message when the mailbox supports save dates, none otherwise. Every CloudMail
/// mailbox does.
/// </summary>
public sealed record SearchSaveDateSupported : SearchKey
{
    public static readonly SearchSaveDateSupported Instance = new();
}

/// <summary>MODSEQ n (RFC 7162 §3.1.5): messages whose MODSEQ is at least <see cref="ModSeq"/>.</summary>
public sealed record SearchModSeq(ulong ModSeq) : SearchKey;
