using System.Globalization;
using CloudMail.Protocols.Imap.Parsing;

namespace CloudMail.Protocols.Imap.Model;

/// <summary>
/// A PARTIAL range (RFC 5267 §4.4, extended by RFC 9394 §3): 1-based positions in a result, counted from its first
/// element (<c>1:100</c>) or, when negative, from its last (<c>-1:-100</c> is the last 100). The two ends may be given in
/// either order ("500:400 is the same as 400:500", RFC 9394 §6); they are kept in order, nearer end of the result first,
/// and the response echoes them so (<c>PARTIAL 4:2</c> is answered <c>PARTIAL (2:4 ...)</c>, as Dovecot answers it).
/// </summary>
public sealed record PartialRange(long First, long Last)
{
    /// <summary>True for a range counted from the end of the result (<c>-m:-n</c>).</summary>
    public bool FromEnd => First < 0;

    /// <summary>The range, nearer end first, for <c>PARTIAL (range set)</c>.</summary>
    public override string ToString() =>
        First.ToString(CultureInfo.InvariantCulture) + ":" + Last.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The elements of <paramref name="result"/> (in result order) whose positions fall in the range; empty when the
    /// range lies past the end.
    /// </summary>
    public List<T> Apply<T>(IReadOnlyList<T> result)
    {
        long low = Math.Min(Math.Abs(First), Math.Abs(Last));
        long high = Math.Max(Math.Abs(First), Math.Abs(Last));
        if (low > result.Count) return [];
        high = Math.Min(high, result.Count);
        // From the end: position -1 is the last element, so -low..-high maps to indexes Count-high .. Count-low.
        int start = (int)(FromEnd ? result.Count - high : low - 1);
        int count = (int)(high - low + 1);
        var slice = new List<T>(count);
        for (int i = start; i < start + count; i++) slice.Add(result[i]);
        return slice;
    }

    /// <summary>
    /// partial-range = partial-range-first / partial-range-last; partial-range-first = nz-number ":" nz-number;
    /// partial-range-last = MINUS nz-number ":" MINUS nz-number (RFC 9394 §6). Both ends share one sign.
    /// </summary>
    internal static bool Parse(ImapTokenizer t, out PartialRange range)
    {
        range = new PartialRange(1, 1);
        bool negative = t.TryConsume('-');
        if (!t.Number(out uint first) || first == 0) return t.Fail("PARTIAL range needs nonzero numbers (RFC 9394 section 6)");
        if (!t.Expect(':')) return false;
        if (t.TryConsume('-') != negative) return t.Fail("Both ends of a PARTIAL range must have the same sign (RFC 9394 section 6)");
        if (!t.Number(out uint last) || last == 0) return t.Fail("PARTIAL range needs nonzero numbers (RFC 9394 section 6)");
        (uint near, uint far) = first <= last ? (first, last) : (last, first);
        range = negative ? new PartialRange(-(long)near, -(long)far) : new PartialRange(near, far);
        return true;
    }
}
