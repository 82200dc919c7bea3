using CloudMail.Protocols.Imap.Model;
using CloudMail.Protocols.Imap.Parsing;

namespace CloudMail.Protocols.Imap.Commands;

/// <summary>
/// SEARCH / UID SEARCH (RFC 3501 §6.4.4). <see cref="Charset"/> is as given (null when absent); the session
/// answers NO [BADCHARSET] for charsets it does not support. <see cref="Key"/> is the AND of all keys.
/// </summary>
public sealed record SearchCommand(string Tag, bool Uid, string? Charset, SearchKey Key) : ImapCommand(Tag)
{
    public override string Name => Uid ? "UID SEARCH" : "SEARCH";

    /// <summary>search = "SEARCH" [SP "CHARSET" SP astring] 1*(SP search-key).</summary>
    internal static Func<string, ImapTokenizer, ImapCommand?> Parser(bool uid) => (tag, t) =>
    {
        if (!t.Sp()) return null;
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
        return new SearchCommand(tag, uid, charset, keys.Count == 1 ? keys[0] : new SearchAnd(keys));
    };
}
