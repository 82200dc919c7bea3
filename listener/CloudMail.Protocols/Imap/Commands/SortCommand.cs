using CloudMail.Protocols.Imap.Model;
using CloudMail.Protocols.Imap.Parsing;

namespace CloudMail.Protocols.Imap.Commands;

/// <summary>
/// SORT / UID SORT (RFC 5256 §3, RFC 5957 DISPLAYFROM/DISPLAYTO): the criteria in order, the charset (required by the
/// syntax) and the AND of the search keys. <see cref="Return"/>: the RETURN options of an extended SORT (RFC 5267 §3.1,
/// as <see cref="SearchCommand.Return"/>, PARTIAL's range in <see cref="Partial"/>), null for a plain "* SORT" answer.
/// </summary>
public sealed record SortCommand(string Tag, bool Uid, IReadOnlyList<SortCriterion> Criteria, string Charset, SearchKey Key, IReadOnlyList<string>? Return = null,
    PartialRange? Partial = null) : ImapCommand(Tag)
{
    private static readonly Dictionary<string, SortKey> Keys = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ARRIVAL"] = SortKey.Arrival,
        ["CC"] = SortKey.Cc,
        ["DATE"] = SortKey.Date,
        ["FROM"] = SortKey.From,
        ["SIZE"] = SortKey.Size,
        ["SUBJECT"] = SortKey.Subject,
        ["TO"] = SortKey.To,
        ["DISPLAYFROM"] = SortKey.DisplayFrom,
        ["DISPLAYTO"] = SortKey.DisplayTo,
    };

    public override string Name => Uid ? "UID SORT" : "SORT";

    /// <summary>
    /// sort = ["UID" SP] "SORT" [search-return-opts] SP sort-criteria SP search-criteria; sort-criteria = "(" sort-criterion
    /// *(SP sort-criterion) ")"; sort-criterion = ["REVERSE" SP] sort-key (RFC 5256 §4, RFC 5267 §5).
    /// </summary>
    internal static Func<string, ImapTokenizer, ImapCommand?> Parser(bool uid) => (tag, t) =>
    {
        if (!t.Sp() || !SearchCommand.ParseReturn(t, out var returns, out var partial) || !t.Expect('(')) return null;
        var criteria = new List<SortCriterion>();
        do
        {
            if (!t.Atom(out string word)) return null;
            bool reverse = word.Equals("REVERSE", StringComparison.OrdinalIgnoreCase);
            if (reverse && (!t.Sp() || !t.Atom(out word))) return null;
            if (!Keys.TryGetValue(word, out var key)) { t.Fail("Unknown sort key " + word); return null; }
            criteria.Add(new SortCriterion(key, reverse));
        }
        while (t.TryConsume(' '));
        if (!t.Expect(')') || !t.Sp()) return null;
        return SearchCriteria(t, out string charset, out var searchKey) ? new SortCommand(tag, uid, criteria, charset, searchKey, returns, partial) : null;
    };

    /// <summary>search-criteria = charset 1*(SP search-key) (RFC 5256 §4), shared with THREAD.</summary>
    internal static bool SearchCriteria(ImapTokenizer t, out string charset, out SearchKey key)
    {
        key = new SearchAll();
        if (!t.AString(out charset)) return false;
        var keys = new List<SearchKey>();
        while (t.TryConsume(' '))
        {
            if (!SearchKeyParser.SearchKey(t, 0, out var one)) return false;
            keys.Add(one);
        }
        if (keys.Count == 0) return t.Fail("Missing search key");
        key = keys.Count == 1 ? keys[0] : new SearchAnd(keys);
        return true;
    }
}
