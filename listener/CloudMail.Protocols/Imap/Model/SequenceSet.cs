namespace CloudMail.Protocols.Imap.Model;

/// <summary>
/// One element of a sequence set (RFC 3501 §9 seq-range): a number or a range whose ends may come in either
/// order. <see cref="Star"/> stands for "*", the largest number in use.
/// </summary>
/// <remarks>
/// "*" is 0, a value no nz-number can take (RFC 3501 §9: seq-number = nz-number / "*"), so that the literal 4294967295
/// stays a number: <c>UID SEARCH UID 10:4294967295</c> with every UID below 10 matches nothing, whereas <c>10:*</c>
/// matches the largest UID (RFC 3501 §6.4.8).
/// </remarks>
public readonly record struct SequenceRange(uint First, uint Last)
{
    /// <summary>The value that represents "*".</summary>
    public const uint Star = 0;

    /// <summary>The range with "*" replaced by <paramref name="largest"/>, lowest end first.</summary>
    public (uint Low, uint High) Resolve(uint largest)
    {
        uint a = First == Star ? largest : First;
        uint b = Last == Star ? largest : Last;
        return a <= b ? (a, b) : (b, a);
    }
}

/// <summary>
/// A parsed sequence-set (RFC 3501 §9) of message sequence numbers or UIDs; <see cref="IsSaved"/> is the
/// "$" of RFC 5182 (the saved search result), which has no ranges of its own.
/// </summary>
public sealed record SequenceSet(IReadOnlyList<SequenceRange> Ranges, bool IsSaved = false)
{
    /// <summary>
    /// True when <paramref name="value"/> is in the set, with "*" meaning <paramref name="largest"/>.
    /// RFC 3501 §6.4.8: for UIDs, "*" is the largest UID in use even when it is below a range's other end.
    /// </summary>
    public bool Contains(uint value, uint largest)
    {
        foreach (var r in Ranges)
        {
            var (lo, hi) = r.Resolve(largest);
            if (value >= lo && value <= hi) return true;
        }
        return false;
    }

    /// <summary>
    /// The set as disjoint ranges in ascending order, with "*" meaning <paramref name="largest"/> and overlapping or
    /// adjacent ranges merged: what <see cref="Contains"/> accepts, enumerable range by range instead of tested value by
    /// value (a FETCH of one message in a 100,000-message mailbox looks at one range, not at every message).
    /// </summary>
    public List<(uint Low, uint High)> Normalize(uint largest)
    {
        var ranges = new List<(uint Low, uint High)>(Ranges.Count);
        foreach (var r in Ranges) ranges.Add(r.Resolve(largest));
        if (ranges.Count < 2) return ranges;
        ranges.Sort((a, b) => a.Low.CompareTo(b.Low));
        var merged = new List<(uint Low, uint High)>(ranges.Count) { ranges[0] };
        for (int i = 1; i < ranges.Count; i++)
        {
            var (low, high) = ranges[i];
            var last = merged[^1];
            // Adjacent (last.High + 1 == low) merges too; last.High == uint.MaxValue already covers everything after it.
            if (last.High == uint.MaxValue || low <= last.High + 1) merged[^1] = (last.Low, Math.Max(last.High, high));
            else merged.Add((low, high));
        }
        return merged;
    }

    /// <summary>Wire form, e.g. "1:4,7,9:*".</summary>
    public override string ToString()
    {
        if (IsSaved) return "$";
        return string.Join(',', Ranges.Select(r =>
            r.First == r.Last ? Num(r.First) : Num(r.First) + ":" + Num(r.Last)));
        static string Num(uint n) => n == SequenceRange.Star ? "*" : n.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Formats values as a compact set ("1:3,5") for COPYUID and similar responses, keeping their order: only runs of
    /// consecutive ascending values become ranges, so ESORT's ALL stays in sort order (RFC 5267 §3.2).
    /// </summary>
    public static string Format(IEnumerable<uint> ascending)
    {
        var parts = new List<string>();
        uint? start = null, prev = null;
        foreach (uint v in ascending)
        {
            if (prev is { } p && v == p + 1) { prev = v; continue; }
            if (start is { } s) parts.Add(s == prev ? Str(s) : Str(s) + ":" + Str(prev!.Value));
            start = prev = v;
        }
        if (start is { } last) parts.Add(last == prev ? Str(last) : Str(last) + ":" + Str(prev!.Value));
        return string.Join(',', parts);
        static string Str(uint n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
