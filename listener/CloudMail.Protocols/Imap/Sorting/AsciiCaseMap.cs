using System.Text;

namespace CloudMail.Protocols.Imap.Sorting;

/// <summary>
/// The i;ascii-casemap collation (RFC 4790 §9.2), the default of SORT and THREAD (RFC 5256 §3, "Internationalization
/// Considerations"): a-z are mapped to A-Z, then strings compare octet by octet as UTF-8, which is Unicode scalar
/// order. Non-ASCII letters are not folded.
/// </summary>
public sealed class AsciiCaseMap : IComparer<string>, IEqualityComparer<string>
{
    public static readonly AsciiCaseMap Instance = new();

    private AsciiCaseMap()
    {
    }

    public int Compare(string? x, string? y)
    {
        if (x is null || y is null) return x is null ? (y is null ? 0 : -1) : 1;
        // UTF-16 code units outside the surrogates are code points in order: compare them directly, one SORT of a large
        // mailbox makes about a million comparisons, most over a long shared prefix, which a vectorized search for the
        // first differing code unit skips. A surrogate, whose code unit order is not code point order (U+E000-U+FFFF
        // sort below U+10000 as UTF-8), goes to the rune-wise comparison.
        for (int start = 0; ; start++)
        {
            int i = start + x.AsSpan(start).CommonPrefixLength(y.AsSpan(start));
            if (i >= x.Length || i >= y.Length) return x.Length.CompareTo(y.Length);
            char cx = x[i], cy = y[i];
            if (char.IsSurrogate(cx) || char.IsSurrogate(cy)) return CompareRunes(x, y);
            int diff = Fold(cx) - Fold(cy);
            if (diff != 0) return diff;
            start = i; // equal once folded (a and A): go on after them
        }
    }

    /// <summary>The comparison of the collation as defined: rune by rune (Unicode scalar values, UTF-8 octet order).</summary>
    internal static int CompareRunes(string x, string y)
    {
        var a = x.EnumerateRunes();
        var b = y.EnumerateRunes();
        while (true)
        {
            bool moreA = a.MoveNext(), moreB = b.MoveNext();
            if (!moreA || !moreB) return moreA ? 1 : moreB ? -1 : 0;
            int diff = Fold(a.Current) - Fold(b.Current);
            if (diff != 0) return diff;
        }
    }

    /// <summary>
    /// The collation key of <paramref name="s"/>: its UTF-8 octets with a-z mapped to A-Z (an unpaired surrogate as
    /// U+FFFD, as <see cref="CompareRunes"/> reads it). Keys compared octet by octet (shorter first when one is a prefix
    /// of the other) order as <see cref="Compare"/> orders their strings.
    /// </summary>
    public static byte[] Key(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        byte[] key = Encoding.UTF8.GetBytes(s);
        for (int i = 0; i < key.Length; i++)
            if (key[i] is >= (byte)'a' and <= (byte)'z') key[i] -= 32;
        return key;
    }

    public bool Equals(string? x, string? y) => Compare(x, y) == 0;

    public int GetHashCode(string obj)
    {
        var hash = new HashCode();
        foreach (var rune in obj.EnumerateRunes()) hash.Add(Fold(rune));
        return hash.ToHashCode();
    }

    private static int Fold(Rune r) => r.Value is >= 'a' and <= 'z' ? r.Value - 32 : r.Value;

    private static int Fold(char c) => c is >= 'a' and <= 'z' ? c - 32 : c;
}
