using CloudMail.Protocols.Imap.Sorting;
using CsCheck;

namespace CloudMail.Protocols.Tests.Imap.Sorting;

/// <summary>
/// The i;ascii-casemap comparison's fast path (UTF-16 code units) and its collation keys (octets) order every pair as the
/// rune-wise definition does.
/// </summary>
public sealed class AsciiCaseMapTests
{
    /// <summary>Pieces that meet every branch: ASCII of both cases, a BMP letter, U+E000 and U+FFFD (above the surrogates
    /// as code units, below U+10000 as code points), a surrogate pair, a lone high and a lone low surrogate.</summary>
    private static readonly string[] Pieces = ["a", "A", "b", "z", "Z", "[", "é", "\uE000", "\uFFFD", "\U0001F600", "\U00010000", "\uD800", "\uDC00"];

    private static readonly Gen<string> Text = Gen.Int[0, Pieces.Length - 1].Select(i => Pieces[i]).Array[0, 8].Select(string.Concat);

    [Fact]
    public void Every_pair_compares_as_the_rune_wise_definition() =>
        Gen.Select(Text, Text).Sample((x, y) =>
            Math.Sign(AsciiCaseMap.Instance.Compare(x, y)) == Math.Sign(AsciiCaseMap.CompareRunes(x, y))
            && Math.Sign(AsciiCaseMap.Instance.Compare(x, y)) == -Math.Sign(AsciiCaseMap.Instance.Compare(y, x)), iter: 20_000);

    [Fact]
    public void Collation_keys_compared_as_octets_order_every_pair_as_the_comparison_does() =>
        Gen.Select(Text, Text).Sample((x, y) =>
            Math.Sign(AsciiCaseMap.Key(x).AsSpan().SequenceCompareTo(AsciiCaseMap.Key(y))) == Math.Sign(AsciiCaseMap.CompareRunes(x, y)), iter: 20_000);

    [Theory]
    [InlineData("\uE000", "\U0001F600")] // as code units U+E000 sorts after the surrogate D83D; as code points before
    [InlineData("\uFFFD", "\U00010000")]
    [InlineData("quarterly report #1", "QUARTERLY REPORT #2")]
    public void Lower_code_points_sort_first_and_ascii_letters_fold(string lower, string higher)
    {
        Assert.True(AsciiCaseMap.Instance.Compare(lower, higher) < 0);
        Assert.True(AsciiCaseMap.Instance.Compare(higher, lower) > 0);
    }
}
