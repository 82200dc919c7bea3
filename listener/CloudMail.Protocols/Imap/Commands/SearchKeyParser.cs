using CloudMail.Protocols.Imap.Model;
using CloudMail.Protocols.Imap.Parsing;

namespace CloudMail.Protocols.Imap.Commands;

/// <summary>
/// The search-key rule of RFC 3501 §9 (plus MODSEQ from RFC 7162 §3.1.5, the SAVEDATE keys of RFC 8514 §5, OLDER and
/// YOUNGER of RFC 5032 §4, EMAILID and THREADID of RFC 8474 §6), nesting capped.
/// </summary>
internal static class SearchKeyParser
{
    public static bool SearchKey(ImapTokenizer t, int depth, out SearchKey key)
    {
        key = SearchAll.Instance;
        if (depth > ImapTokenizer.MaxDepth) return t.Fail("Search criteria nested too deeply");
        if (t.AtSequenceSet)
        {
            if (!t.SequenceSet(out var set)) return false;
            key = new SearchSet(set, Uid: false);
            return true;
        }
        if (t.TryConsume('('))
        {
            var keys = new List<SearchKey>();
            do
            {
                if (!SearchKey(t, depth + 1, out var inner)) return false;
                keys.Add(inner);
            }
            while (t.TryConsume(' '));
            if (!t.Expect(')')) return false;
            key = keys.Count == 1 ? keys[0] : new SearchAnd(keys);
            return true;
        }
        if (!t.Atom(out string word)) return false;
        switch (word.ToUpperInvariant())
        {
            case "ALL": key = SearchAll.Instance; return true;
            case "ANSWERED": key = new SearchFlag(FlagNames.Answered, true); return true;
            case "UNANSWERED": key = new SearchFlag(FlagNames.Answered, false); return true;
            case "DELETED": key = new SearchFlag(FlagNames.Deleted, true); return true;
            case "UNDELETED": key = new SearchFlag(FlagNames.Deleted, false); return true;
            case "DRAFT": key = new SearchFlag(FlagNames.Draft, true); return true;
            case "UNDRAFT": key = new SearchFlag(FlagNames.Draft, false); return true;
            case "FLAGGED": key = new SearchFlag(FlagNames.Flagged, true); return true;
            case "UNFLAGGED": key = new SearchFlag(FlagNames.Flagged, false); return true;
            case "SEEN": key = new SearchFlag(FlagNames.Seen, true); return true;
            case "UNSEEN": key = new SearchFlag(FlagNames.Seen, false); return true;
            case "RECENT": key = new SearchFlag(FlagNames.Recent, true); return true;
            case "NEW": key = new SearchNewOld(true); return true;
            case "OLD": key = new SearchNewOld(false); return true;
            case "KEYWORD": return Keyword(t, true, out key);
            case "UNKEYWORD": return Keyword(t, false, out key);
            case "FROM": return Header(t, "From", out key);
            case "TO": return Header(t, "To", out key);
            case "CC": return Header(t, "Cc", out key);
            case "BCC": return Header(t, "Bcc", out key);
            case "SUBJECT": return Header(t, "Subject", out key);
            case "HEADER":
                if (!t.Sp() || !t.AString(out string field)) return false;
                return Header(t, field, out key);
            case "BODY": return Text(t, true, out key);
            case "TEXT": return Text(t, false, out key);
            case "BEFORE": return Date(t, SearchDateField.Internal, SearchDateComparison.Before, out key);
            case "ON": return Date(t, SearchDateField.Internal, SearchDateComparison.On, out key);
            case "SINCE": return Date(t, SearchDateField.Internal, SearchDateComparison.Since, out key);
            case "SENTBEFORE": return Date(t, SearchDateField.Sent, SearchDateComparison.Before, out key);
            case "SENTON": return Date(t, SearchDateField.Sent, SearchDateComparison.On, out key);
            case "SENTSINCE": return Date(t, SearchDateField.Sent, SearchDateComparison.Since, out key);
            case "SAVEDBEFORE": return Date(t, SearchDateField.Saved, SearchDateComparison.Before, out key);
            case "SAVEDON": return Date(t, SearchDateField.Saved, SearchDateComparison.On, out key);
            case "SAVEDSINCE": return Date(t, SearchDateField.Saved, SearchDateComparison.Since, out key);
            case "SAVEDATESUPPORTED": key = SearchSaveDateSupported.Instance; return true;
            case "EMAILID": return ObjectId(t, false, out key);
            case "THREADID": return ObjectId(t, true, out key);
            case "OLDER": return Within(t, true, out key);
            case "YOUNGER": return Within(t, false, out key);
            case "LARGER": return Size(t, true, out key);
            case "SMALLER": return Size(t, false, out key);
            case "UID":
                if (!t.Sp() || !t.SequenceSet(out var uids)) return false;
                key = new SearchSet(uids, Uid: true);
                return true;
            case "NOT":
                if (!t.Sp() || !SearchKey(t, depth + 1, out var negated)) return false;
                key = new SearchNot(negated);
                return true;
            case "OR":
                if (!t.Sp() || !SearchKey(t, depth + 1, out var left) || !t.Sp() || !SearchKey(t, depth + 1, out var right)) return false;
                key = new SearchOr(left, right);
                return true;
            case "MODSEQ":
                return ModSeq(t, out key);
            default:
                return t.Fail("Unknown search key " + word);
        }
    }

    private static bool Keyword(ImapTokenizer t, bool set, out SearchKey key)
    {
        key = SearchAll.Instance;
        if (!t.Sp() || !t.Atom(out string keyword)) return false;
        key = new SearchKeyword(keyword, set);
        return true;
    }

    private static bool Header(ImapTokenizer t, string field, out SearchKey key)
    {
        key = SearchAll.Instance;
        if (!t.Sp() || !t.AString(out string value)) return false;
        key = new SearchHeader(field, value);
        return true;
    }

    private static bool Text(ImapTokenizer t, bool bodyOnly, out SearchKey key)
    {
        key = SearchAll.Instance;
        if (!t.Sp() || !t.AString(out string value)) return false;
        key = new SearchText(bodyOnly, value);
        return true;
    }

    private static bool Date(ImapTokenizer t, SearchDateField field, SearchDateComparison comparison, out SearchKey key)
    {
        key = SearchAll.Instance;
        if (!t.Sp() || !t.Date(out var date)) return false;
        key = new SearchDate(field, comparison, date);
        return true;
    }

    /// <summary>"EMAILID" / "THREADID" SP objectid (RFC 8474 §7): 1 to 255 of ALPHA, DIGIT, "_" and "-".</summary>
    private static bool ObjectId(ImapTokenizer t, bool thread, out SearchKey key)
    {
        key = SearchAll.Instance;
        if (!t.Sp() || !t.Atom(out string id)) return false;
        if (id.Length > 255 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            return t.Fail("An object id is 1 to 255 letters, digits, '_' and '-' (RFC 8474 section 7)");
        key = new SearchObjectId(thread, id);
        return true;
    }

    /// <summary>"OLDER" / "YOUNGER" SP nz-number (RFC 5032 §4): an interval of at least one second.</summary>
    private static bool Within(ImapTokenizer t, bool older, out SearchKey key)
    {
        key = SearchAll.Instance;
        if (!t.Sp() || !t.Number(out uint seconds)) return false;
        if (seconds == 0) return t.Fail("OLDER and YOUNGER take an interval of at least one second (RFC 5032 section 4)");
        key = new SearchWithin(older, seconds);
        return true;
    }

    private static bool Size(ImapTokenizer t, bool larger, out SearchKey key)
    {
        key = SearchAll.Instance;
        if (!t.Sp() || !t.Number(out uint size)) return false;
        key = new SearchSize(larger, size);
        return true;
    }

    /// <summary>search-modsequence = "MODSEQ" [search-modseq-ext] SP mod-sequence-valzer; the entry name and type are ignored.</summary>
    private static bool ModSeq(ImapTokenizer t, out SearchKey key)
    {
        key = SearchAll.Instance;
        if (!t.Sp()) return false;
        if (t.Peek() == '"')
        {
            if (!t.Quoted(out _) || !t.Sp() || !t.Atom(out _) || !t.Sp()) return false;
        }
        if (!t.Number64(out ulong value)) return false;
        key = new SearchModSeq(value);
        return true;
    }
}
