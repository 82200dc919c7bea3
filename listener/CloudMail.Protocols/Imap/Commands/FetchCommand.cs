using CloudMail.Protocols.Imap.Model;
using CloudMail.Protocols.Imap.Parsing;

namespace CloudMail.Protocols.Imap.Commands;

/// <summary>
/// FETCH / UID FETCH (RFC 3501 §6.4.5) with the CHANGEDSINCE modifier (RFC 7162 §3.1.4.1), VANISHED (§3.2.6) and PARTIAL
/// (RFC 9394 §4: only the messages at those positions of the set, in ascending order, after the other modifiers).
/// </summary>
public sealed record FetchCommand(string Tag, bool Uid, SequenceSet Set, IReadOnlyList<FetchItem> Items, ulong? ChangedSince, bool Vanished = false,
    PartialRange? Partial = null)
    : ImapCommand(Tag)
{
    public override string Name => Uid ? "UID FETCH" : "FETCH";

    /// <summary>
    /// fetch = "FETCH" SP sequence-set SP ("ALL" / "FULL" / "FAST" / fetch-att / "(" fetch-att *(SP fetch-att) ")")
    /// [SP "(" fetch-modifier *(SP fetch-modifier) ")"].
    /// </summary>
    internal static Func<string, ImapTokenizer, ImapCommand?> Parser(bool uid) => (tag, t) =>
    {
        if (!t.Sp() || !t.SequenceSet(out var set) || !t.Sp()) return null;
        var items = new List<FetchItem>();
        if (t.TryConsume('('))
        {
            do
            {
                if (!FetchAttributeParser.FetchAtt(t, items)) return null;
            }
            while (t.TryConsume(' '));
            if (!t.Expect(')')) return null;
        }
        else if (!FetchAttributeParser.MacroOrFetchAtt(t, items)) return null;

        ulong? changedSince = null;
        bool vanished = false;
        PartialRange? partial = null;
        if (t.TryConsume(' '))
        {
            if (!t.Expect('(')) return null;
            do
            {
                if (t.TryKeyword("VANISHED")) vanished = true;
                else if (t.TryKeyword("CHANGEDSINCE"))
                {
                    if (!t.Sp() || !t.Number64(out ulong value)) return null;
                    changedSince = value;
                }
                else if (partial is null && t.TryKeyword("PARTIAL"))
                {
                    // fetch-modifier =/ "PARTIAL" SP partial-range (RFC 9394 §6).
                    if (!t.Sp() || !PartialRange.Parse(t, out var range)) return null;
                    partial = range;
                }
                else { t.Fail("Unsupported FETCH modifier"); return null; }
            }
            while (t.TryConsume(' '));
            if (!t.Expect(')')) return null;
            // RFC 7162 §3.2.6: VANISHED only in UID FETCH, and only with CHANGEDSINCE.
            if (vanished && (!uid || changedSince is null)) { t.Fail("VANISHED needs UID FETCH with CHANGEDSINCE"); return null; }
        }
        return new FetchCommand(tag, uid, set, items, changedSince, vanished, partial);
    };
}
