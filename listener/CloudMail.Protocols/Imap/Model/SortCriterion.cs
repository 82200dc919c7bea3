namespace CloudMail.Protocols.Imap.Model;

/// <summary>A SORT key (RFC 5256 §3; DISPLAYFROM and DISPLAYTO from RFC 5957 §3).</summary>
public enum SortKey
{
    Arrival,
    Cc,
    Date,
    From,
    Size,
    Subject,
    To,
    DisplayFrom,
    DisplayTo,
}

/// <summary>One sort-criterion: a key, reversed when REVERSE preceded it (RFC 5256 §3).</summary>
public sealed record SortCriterion(SortKey Key, bool Reverse);
