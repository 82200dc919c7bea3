using CloudMail.Core.Mailboxes.Structure;
using CloudMail.Core.Mailboxes;
using CloudMail.Core.Mailboxes.Search;
using CloudMail.Listener.Imap.Mailboxes;
using CloudMail.Protocols.Imap.Model;
using MimeKit;
using MimeKit.Utils;

namespace CloudMail.Listener.Imap.Messages;

/// <summary>A message being tested by SEARCH, with what the keys need loaded.</summary>
internal sealed class SearchSubject
{
    public required int Seq { get; init; }

    public required MessageRecord Record { get; init; }

    /// <summary>Loaded when a key looks at header fields or the sent date.</summary>
    public MessageStructure? Structure { get; set; }

    /// <summary>The time of the search, one for all its messages: what OLDER and YOUNGER count back from (RFC 5032 §2).</summary>
    public required DateTimeOffset SearchTime { get; init; }

    /// <summary>Decoded text of the text parts (<see cref="SearchableText.BodyText"/>), loaded for BODY and TEXT.</summary>
    public string? BodyText { get; set; }

    /// <summary>The parsed message, loaded with <see cref="BodyText"/>.</summary>
    public MimeKit.MimeMessage? Mime { get; set; }

    /// <summary>
    /// The MIME parts' header lines (<see cref="SearchableText.PartHeaderLines(MimeKit.MimeMessage)"/>), made from
    /// <see cref="Mime"/> when TEXT first looks (BODY never does).
    /// </summary>
    public string? PartHeaders => _partHeaders ??= Mime is null ? null : string.Join('\n', SearchableText.PartHeaderLines(Mime));

    private string? _partHeaders;
}

/// <summary>
/// Evaluates SEARCH keys (RFC 3501 §6.4.4) on one message. String matching is case-insensitive substring matching on
/// the decoded text <see cref="SearchableText"/> defines (RFC 2047 headers, transfer-decoded and charset-converted bodies,
/// HTML as text), the same text the embedded full-text index holds (<see cref="IndexedSearch"/>); dates compare the date only.
/// </summary>
internal static class MessageSearch
{
    /// <summary>What must be loaded per message: header fields and/or body text.</summary>
    public static (bool Headers, bool Text) Needs(SearchKey key) => key switch
    {
        SearchHeader => (true, false),
        SearchDate { Field: SearchDateField.Sent } => (true, false),
        SearchText { BodyOnly: true } => (false, true),
        SearchText => (true, true),
        SearchNot not => Needs(not.Key),
        SearchOr or => Combine(Needs(or.Left), Needs(or.Right)),
        SearchAnd and => and.Keys.Select(Needs).Aggregate((false, false), Combine),
        _ => (false, false),
    };

    private static (bool, bool) Combine((bool H, bool T) a, (bool H, bool T) b) => (a.H || b.H, a.T || b.T);

    /// <summary>True when the key tree has a MODSEQ key (the result then carries the highest MODSEQ, RFC 7162 §3.1.5).</summary>
    public static bool UsesModSeq(SearchKey key) => key switch
    {
        SearchModSeq => true,
        SearchNot not => UsesModSeq(not.Key),
        SearchOr or => UsesModSeq(or.Left) || UsesModSeq(or.Right),
        SearchAnd and => and.Keys.Any(UsesModSeq),
        _ => false,
    };

    public static bool Matches(SearchKey key, SearchSubject m, SelectedMailbox view) => key switch
    {
        SearchAll => true,
        SearchAnd and => and.Keys.All(k => Matches(k, m, view)),
        SearchOr or => Matches(or.Left, m, view) || Matches(or.Right, m, view),
        SearchNot not => !Matches(not.Key, m, view),
        // RFC 3501 §6.4.4: RECENT / NEW (recent and unseen) / OLD (not recent), \Recent as this session sees it.
        SearchFlag { Flag: FlagNames.Recent } flag => view.IsRecent(m.Record.Uid) == flag.Set,
        SearchFlag flag => m.Record.Flags.HasFlag(ImapFlags.ToSystemFlag(flag.Flag)) == flag.Set,
        SearchNewOld { New: true } => view.IsRecent(m.Record.Uid) && !m.Record.Flags.HasFlag(MessageFlags.Seen),
        SearchNewOld => !view.IsRecent(m.Record.Uid),
        SearchKeyword kw => m.Record.Keywords.Contains(kw.Keyword, StringComparer.OrdinalIgnoreCase) == kw.Set,
        SearchSize size => size.Larger ? m.Record.Size > size.Size : m.Record.Size < size.Size,
        // RFC 5032 §2: the internal date against the time of the search less the interval, to the second.
        // RFC 8474 §6: no thread ids are kept (THREADID is NIL), so THREADID matches nothing.
        SearchObjectId { Thread: false } id => id.Id == ObjectIds.EmailId(m.Record.Blob),
        SearchObjectId => false,
        SearchWithin within => m.Record.InternalDate < m.SearchTime.AddSeconds(-within.Seconds) == within.Older,
        SearchSet { Set.IsSaved: true } => view.SavedSearch.Contains(m.Record.Uid), // "$" (RFC 5182 §2.1)
        SearchSet { Uid: true } set => set.Set.Contains(m.Record.Uid, view.LargestUid),
        SearchSet set => set.Set.Contains((uint)m.Seq, (uint)view.Count),
        SearchModSeq modSeq => m.Record.ModSeq >= modSeq.ModSeq,
        SearchSaveDateSupported => true, // RFC 8514 §4.3: every mailbox records save dates
        SearchDate date => CompareDate(date, m),
        SearchHeader header => HeaderContains(m.Structure?.Headers, header.Field, header.Value),
        SearchText text => Contains(m.BodyText, text.Value)
            || (!text.BodyOnly && (AnyHeaderLineContains(m.Structure?.Headers, text.Value) || Contains(m.PartHeaders, text.Value))),
        _ => false,
    };

    private static bool CompareDate(SearchDate key, SearchSubject m)
    {
        DateTimeOffset when = key.Field switch
        {
            SearchDateField.Sent => SentDate(m),
            // RFC 8514 §4.3: a message without a known save date is compared by its internal date.
            SearchDateField.Saved => m.Record.SaveDate ?? m.Record.InternalDate,
            _ => m.Record.InternalDate,
        };
        var date = DateOnly.FromDateTime(when.DateTime);
        return key.Comparison switch
        {
            SearchDateComparison.Before => date < key.Date,
            SearchDateComparison.On => date == key.Date,
            _ => date >= key.Date,
        };
    }

    /// <summary>
    /// The sent date: the Date header field, else the internal date (RFC 5256 §2.2; for SENT* SEARCH keys a deliberate
    /// leniency). Needs <see cref="SearchSubject.Structure"/>; without it, the internal date.
    /// </summary>
    public static DateTimeOffset SentDate(SearchSubject m) => HeaderDate(m) ?? m.Record.InternalDate;

    /// <summary>The time of <paramref name="m"/>'s Date field; null when its structure has none or none that parses.</summary>
    public static DateTimeOffset? HeaderDate(SearchSubject m) =>
        m.Structure?.Headers[HeaderId.Date] is { } raw && DateUtils.TryParse(raw, out var sent) ? sent : null;

    /// <summary>
    /// A field named <paramref name="field"/> contains <paramref name="value"/>: its decoded value or, for an address field, one
    /// of its parsed addresses, names or "name &lt;address&gt;" forms (<see cref="SearchableText.FieldLines"/>). An empty
    /// value matches every message with the field.
    /// </summary>
    private static bool HeaderContains(HeaderList? headers, string field, string value) =>
        headers is not null && headers.Any(h => h.Field.Equals(field, StringComparison.OrdinalIgnoreCase)
            && (value.Length == 0 || SearchableText.FieldContains(h, value)));

    /// <summary>TEXT on the header (RFC 3501 §6.4.4): a field's name and decoded value, as one "Field: value" line.</summary>
    private static bool AnyHeaderLineContains(HeaderList? headers, string value) =>
        headers is not null && headers.Any(h => SearchableText.Contains(SearchableText.HeaderLine(h), value));

    private static bool Contains(string? haystack, string needle) => SearchableText.Contains(haystack, needle);
}
