using CloudMail.Core.Mailboxes.Search;
using CloudMail.Listener.Imap.Mailboxes;
using CloudMail.Protocols.Imap.Model;

namespace CloudMail.Listener.Imap.Messages;

/// <summary>
/// Decides SEARCH string keys from the full-text index (<see cref="IMessageTextIndex"/>) where it can, so only the
/// messages it cannot decide are read. For a message the index covers: BODY, TEXT, SUBJECT, FROM, TO, CC, BCC (and HEADER
/// on those fields) are answered exactly — the index holds the same <see cref="SearchableText"/> the scan tests, folded the
/// way the scan compares, and its answer is a substring test of that text; HEADER on another non-address field is a
/// candidate test only (the index has all field values in one column): no match means false, a match is confirmed by
/// reading the message. Everything else — keys the index does not hold (SENT* dates, HEADER on other address fields, empty
/// needles, needles with line breaks), messages it does not cover (just appended, too large to index whole, unreadable), a
/// backend without an index (Azure) — is left undecided, and the caller evaluates the message as before
/// (<see cref="MessageSearch.Matches"/>). So the answers are the same with or without the index; only the speed differs.
/// </summary>
internal sealed class IndexedSearch
{
    private static readonly IndexedSearch None = new([], null);

    private readonly Dictionary<SearchKey, (int Index, bool Exact)> _queries;
    private readonly TextIndexAnswer? _answer;

    private IndexedSearch(Dictionary<SearchKey, (int Index, bool Exact)> queries, TextIndexAnswer? answer)
    {
        _queries = queries;
        _answer = answer;
    }

    /// <summary>Asks <paramref name="index"/> (null: none) about every string key of <paramref name="key"/> at once.</summary>
    public static async Task<IndexedSearch> AskAsync(IMessageTextIndex? index, string account, SelectedMailbox mailbox, SearchKey key,
        CancellationToken cancellationToken)
    {
        if (index is null) return None;
        var keys = new Dictionary<SearchKey, (int Index, bool Exact)>(ReferenceEqualityComparer.Instance);
        var queries = new List<TextQuery>();
        Collect(key, keys, queries);
        if (queries.Count == 0) return None;
        TextIndexAnswer? answer = await index.SearchAsync(account, mailbox.Name, mailbox.UidValidity, queries, cancellationToken).ConfigureAwait(false);
        return answer is null ? None : new IndexedSearch(keys, answer);
    }

    /// <summary>
    /// True or false when <paramref name="key"/> is decided for <paramref name="m"/> without reading it; null when the
    /// message must be read and evaluated.
    /// </summary>
    public bool? Decide(SearchKey key, SearchSubject m, SelectedMailbox view)
    {
        switch (key)
        {
            case SearchAnd and:
                bool all = true;
                foreach (SearchKey k in and.Keys)
                {
                    bool? d = Decide(k, m, view);
                    if (d == false) return false;
                    all &= d == true;
                }
                return all ? true : null;
            case SearchOr or:
                bool? left = Decide(or.Left, m, view);
                if (left == true) return true;
                bool? right = Decide(or.Right, m, view);
                if (right == true) return true;
                return left == false && right == false ? false : null;
            case SearchNot not:
                return !Decide(not.Key, m, view);
            case SearchText or SearchHeader:
                return DecideText(key, m.Record.Uid);
            case SearchDate { Field: SearchDateField.Sent }:
                return m.Structure is null ? null : MessageSearch.Matches(key, m, view);
            default:
                return MessageSearch.Matches(key, m, view);
        }
    }

    private bool? DecideText(SearchKey key, uint uid)
    {
        if (_answer is null || !_queries.TryGetValue(key, out var query) || !_answer.Covered.Contains(uid)) return null;
        if (!_answer.Matches[query.Index].Contains(uid)) return false;
        return query.Exact ? true : null;
    }

    private static void Collect(SearchKey key, Dictionary<SearchKey, (int Index, bool Exact)> keys, List<TextQuery> queries)
    {
        switch (key)
        {
            case SearchAnd and:
                foreach (SearchKey k in and.Keys) Collect(k, keys, queries);
                break;
            case SearchOr or:
                Collect(or.Left, keys, queries);
                Collect(or.Right, keys, queries);
                break;
            case SearchNot not:
                Collect(not.Key, keys, queries);
                break;
            case SearchText text when TextQuery.Answerable(text.Value):
                Add(key, new TextQuery(text.BodyOnly ? TextField.Body : TextField.Text, text.Value), exact: true);
                break;
            case SearchHeader header when TextQuery.Answerable(header.Value) && FieldOf(header.Field) is { } field:
                Add(key, new TextQuery(field, header.Value), exact: field != TextField.AnyHeader);
                break;
        }

        void Add(SearchKey k, TextQuery query, bool exact)
        {
            keys[k] = (queries.Count, exact);
            queries.Add(query);
        }
    }

    /// <summary>
    /// The indexed field a HEADER key looks in; null for address fields without a column of their own and for Content-*
    /// fields, which the index's header text does not hold (MimeKit keeps them on the body): those are matched on the
    /// parsed message.
    /// </summary>
    private static TextField? FieldOf(string field) => field.ToUpperInvariant() switch
    {
        _ when field.StartsWith("Content-", StringComparison.OrdinalIgnoreCase) => null,
        "SUBJECT" => TextField.Subject,
        "FROM" => TextField.From,
        "TO" => TextField.To,
        "CC" => TextField.Cc,
        "BCC" => TextField.Bcc,
        _ when SearchableText.IsAddressField(field) => null,
        _ => TextField.AnyHeader,
    };
}
