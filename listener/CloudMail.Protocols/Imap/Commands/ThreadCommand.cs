using CloudMail.Protocols.Imap.Model;
using CloudMail.Protocols.Imap.Parsing;

namespace CloudMail.Protocols.Imap.Commands;

/// <summary>The THREAD algorithms CloudMail implements (RFC 5256 §3).</summary>
public enum ThreadAlgorithm
{
    OrderedSubject,
    References,
}

/// <summary>THREAD / UID THREAD (RFC 5256 §3): the algorithm, the charset and the AND of the search keys.</summary>
public sealed record ThreadCommand(string Tag, bool Uid, ThreadAlgorithm Algorithm, string Charset, SearchKey Key) : ImapCommand(Tag)
{
    public override string Name => Uid ? "UID THREAD" : "THREAD";

    /// <summary>thread = ["UID" SP] "THREAD" SP thread-alg SP search-criteria (RFC 5256 §4).</summary>
    internal static Func<string, ImapTokenizer, ImapCommand?> Parser(bool uid) => (tag, t) =>
    {
        if (!t.Sp() || !t.Atom(out string name)) return null;
        ThreadAlgorithm algorithm;
        if (name.Equals("ORDEREDSUBJECT", StringComparison.OrdinalIgnoreCase)) algorithm = ThreadAlgorithm.OrderedSubject;
        else if (name.Equals("REFERENCES", StringComparison.OrdinalIgnoreCase)) algorithm = ThreadAlgorithm.References;
        else { t.Fail("Unknown threading algorithm " + name); return null; }
        if (!t.Sp()) return null;
        return SortCommand.SearchCriteria(t, out string charset, out var key) ? new ThreadCommand(tag, uid, algorithm, charset, key) : null;
    };
}
