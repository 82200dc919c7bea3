using CloudMail.Protocols.Imap.Model;
using CloudMail.Protocols.Imap.Parsing;

namespace CloudMail.Protocols.Imap.Commands;

/// <summary>
/// SEARCH / UID SEARCH (RFC 3501 §6.4.4). <see cref="Charset"/> is as given (null when absent); the session
/// answers NO [BADCHARSET] for charsets it does not support. <see cref="Key"/> is the AND of all keys.
/// <see cref="Return"/>: the RETURN options (RFC 4731 §3.1: MIN, MAX, ALL, COUNT; RFC 5182: SAVE), upper-case; an empty
/// list means ALL; null when the command had no RETURN (a plain "* SEARCH" answer). <see cref="Partial"/>: the range of
/// RETURN (PARTIAL range) (RFC 5267 §4.4, RFC 9394 §3), whose option is listed in <see cref="Return"/> as "PARTIAL".
/// </summary>
public sealed record SearchCommand(string Tag, bool Uid, string? Charset, SearchKey Key, IReadOnlyList<string>? Return = null,
    PartialRange? Partial = null) : ImapCommand(Tag)
{
    private static readonly HashSet<string> ReturnOptions = new(StringComparer.OrdinalIgnoreCase) { "MIN", "MAX", "ALL", "COUNT", "SAVE" };

    public override string Name => Uid ? "UID SEARCH" : "SEARCH";

    /// <summary>
    /// search = "SEARCH" [search-return-opts] [SP "CHARSET" SP astring] 1*(SP search-key);
    /// search-return-opts = SP "RETURN" SP "(" [search-return-opt *(SP search-return-opt)] ")" (RFC 4731 §7).
    /// </summary>
    internal static Func<string, ImapTokenizer, ImapCommand?> Parser(bool uid) => (tag, t) =>
    {
        if (!t.Sp() || !ParseReturn(t, out var returns, out var partial)) return null;
        string? charset = null;
        if (t.TryKeyword("CHARSET"))
        {
            if (!t.Sp() || !t.AString(out string cs) || !t.Sp()) return null;
            charset = cs;
        }
        var keys = new List<SearchKey>();
        do
        {
            if (!SearchKeyParser.SearchKey(t, 0, out var key)) return null;
            keys.Add(key);
        }
        while (t.TryConsume(' '));
        return new SearchCommand(tag, uid, charset, keys.Count == 1 ? keys[0] : new SearchAnd(keys), returns, partial);
    };

    /// <summary>
    /// [search-return-opts SP]: "RETURN" SP "(" [search-return-opt *(SP search-return-opt)] ")" SP (RFC 4731 §7, also
    /// SORT's in RFC 5267 §3.1); <paramref name="returns"/> is null when absent. search-return-opt =/ "PARTIAL" SP
    /// partial-range (RFC 5267 §6, RFC 9394 §6) sets <paramref name="partial"/>.
    /// </summary>
    internal static bool ParseReturn(ImapTokenizer t, out List<string>? returns, out PartialRange? partial)
    {
        returns = null;
        partial = null;
        if (!t.TryKeyword("RETURN")) return true;
        if (!t.Sp() || !t.Expect('(')) return false;
        returns = [];
        if (!t.TryConsume(')'))
        {
            do
            {
                if (!t.Atom(out string option)) return false;
                if (option.Equals("PARTIAL", StringComparison.OrdinalIgnoreCase))
                {
                    if (partial is not null) return t.Fail("PARTIAL given twice");
                    if (!t.Sp() || !PartialRange.Parse(t, out var range)) return false;
                    partial = range;
                }
                else if (!ReturnOptions.Contains(option)) return t.Fail("Unknown RETURN option " + option);
                returns.Add(option.ToUpperInvariant());
            }
            while (t.TryConsume(' '));
            if (!t.Expect(')')) return false;
        }
        return t.Sp();
    }
}
