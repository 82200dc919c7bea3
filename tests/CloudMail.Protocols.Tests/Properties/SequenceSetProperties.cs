using CloudMail.Protocols.Imap.Model;
using CsCheck;

namespace CloudMail.Protocols.Tests.Properties;

/// <summary>
/// <see cref="SequenceSet.Normalize"/> against <see cref="SequenceSet.Contains"/>: the ranges it returns are ascending,
/// disjoint and not adjacent, and a value is in one of them exactly when the set contains it (CsCheck generates sets
/// with "*", reversed ranges, overlaps and the largest uint; a failure prints the shrunk case).
/// </summary>
public sealed class SequenceSetProperties
{
    [Fact]
    public void Normalized_ranges_hold_exactly_what_the_set_contains()
    {
        // Small values make overlaps and adjacency common; uint.MaxValue checks the merge at the top of the range.
        var number = Gen.Frequency((1, Gen.Const(SequenceRange.Star)), (1, Gen.Const(uint.MaxValue)), (8, Gen.UInt[1, 40]));
        var set = Gen.Select(number, number).Select(p => new SequenceRange(p.Item1, p.Item2)).List[1, 6].Select(r => new SequenceSet(r));
        Gen.Select(set, Gen.UInt[0, 45]).Sample((s, largest) =>
        {
            var ranges = s.Normalize(largest);
            for (int i = 0; i < ranges.Count; i++)
            {
                Assert.True(ranges[i].Low <= ranges[i].High);
                if (i > 0) Assert.True(ranges[i - 1].High < uint.MaxValue && ranges[i - 1].High + 1 < ranges[i].Low);
            }
            foreach (uint v in new uint[] { 0, uint.MaxValue - 1, uint.MaxValue }.Concat(Enumerable.Range(1, 50).Select(x => (uint)x)))
                Assert.Equal(s.Contains(v, largest), ranges.Any(r => v >= r.Low && v <= r.High));
        }, iter: 5_000, print: t => $"{t.Item1} with * = {t.Item2}");
    }
}
