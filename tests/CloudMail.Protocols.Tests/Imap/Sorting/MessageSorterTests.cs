using CloudMail.Protocols.Imap.Model;
using CloudMail.Protocols.Imap.Sorting;
using CsCheck;

namespace CloudMail.Protocols.Tests.Imap.Sorting;

/// <summary>SORT ordering (RFC 5256 §3, RFC 5957 §3).</summary>
public class MessageSorterTests
{
    private static readonly DateTimeOffset Base = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static SortableMessage M(int seq, string subject = "", string from = "", int sentMinute = 0, long size = 100, int arrivalMinute = 0, string displayFrom = "") =>
        new(seq, (uint)(seq * 10), Base.AddMinutes(arrivalMinute), Base.AddMinutes(sentMinute), size, subject, from, "", "", displayFrom, "");

    private static string Order(IEnumerable<SortableMessage> messages, params SortCriterion[] criteria) =>
        string.Join(' ', MessageSorter.Sort(messages, criteria).Select(m => m.Seq));

    [Fact]
    public void Later_criteria_break_ties_of_earlier_ones_and_sequence_order_breaks_the_rest()
    {
        var messages = new[] { M(1, "b", sentMinute: 5), M(2, "a", sentMinute: 9), M(3, "b", sentMinute: 1), M(4, "a", sentMinute: 9) };

        Assert.Equal("2 4 3 1", Order(messages, new(SortKey.Subject, false), new(SortKey.Date, false)));
    }

    [Fact]
    public void Reverse_reverses_only_its_own_criterion_not_the_sequence_tie_break()
    {
        var messages = new[] { M(1, size: 10), M(2, size: 30), M(3, size: 10), M(4, size: 20) };

        Assert.Equal("2 4 1 3", Order(messages, new SortCriterion(SortKey.Size, true)));
    }

    [Fact]
    public void Strings_compare_with_ascii_case_mapping_and_missing_values_sort_first()
    {
        var messages = new[] { M(1, from: "bob"), M(2, from: "Alice"), M(3, from: ""), M(4, from: "alice") };

        Assert.Equal("3 2 4 1", Order(messages, new SortCriterion(SortKey.From, false)));
    }

    [Fact]
    public void Arrival_and_display_from_use_their_own_values()
    {
        var messages = new[] { M(1, arrivalMinute: 3, displayFrom: "Zed"), M(2, arrivalMinute: 1, displayFrom: "amy"), M(3, arrivalMinute: 2, displayFrom: "Bea") };

        Assert.Equal("2 3 1", Order(messages, new SortCriterion(SortKey.Arrival, false)));
        Assert.Equal("2 3 1", Order(messages, new SortCriterion(SortKey.DisplayFrom, false)));
        Assert.Equal("1 3 2", Order(messages, new SortCriterion(SortKey.DisplayFrom, true)));
    }

    private static readonly string[] Pieces = ["a", "A", "b", "z", "Z", "é", "\uE000", "\U0001F600", "\uD800"];

    private static readonly Gen<string> Text = Gen.Int[0, Pieces.Length - 1].Select(i => Pieces[i]).Array[0, 3].Select(string.Concat);

    private static readonly Gen<SortableMessage[]> Messages =
        Gen.Select(Text, Text, Text, Gen.Int[0, 3], Gen.Int[0, 3]).Array[0, 40]
            .Select(rows => rows.Select((r, i) => new SortableMessage(i + 1, (uint)(i + 1), Base.AddMinutes(r.Item4), Base.AddMinutes(r.Item5), r.Item4 * 10,
                r.Item1, r.Item2, r.Item3, r.Item1, r.Item2, r.Item3)).ToArray());

    private static readonly Gen<SortCriterion[]> Criteria =
        Gen.Select(Gen.Enum<SortKey>(), Gen.Bool).Select(c => new SortCriterion(c.Item1, c.Item2)).Array[1, 3];

    [Fact]
    public void Every_sort_orders_as_comparing_the_messages_pair_by_pair_does() =>
        Gen.Select(Messages, Criteria).Sample((messages, criteria) =>
        {
            var expected = messages.ToList();
            expected.Sort((a, b) =>
            {
                foreach (var c in criteria)
                {
                    int r = c.Key switch
                    {
                        SortKey.Arrival => a.Arrival.CompareTo(b.Arrival),
                        SortKey.Date => a.Sent.CompareTo(b.Sent),
                        SortKey.Size => a.Size.CompareTo(b.Size),
                        SortKey.Subject => AsciiCaseMap.CompareRunes(a.Subject, b.Subject),
                        SortKey.From => AsciiCaseMap.CompareRunes(a.From, b.From),
                        SortKey.To => AsciiCaseMap.CompareRunes(a.To, b.To),
                        SortKey.Cc => AsciiCaseMap.CompareRunes(a.Cc, b.Cc),
                        SortKey.DisplayFrom => AsciiCaseMap.CompareRunes(a.DisplayFrom, b.DisplayFrom),
                        _ => AsciiCaseMap.CompareRunes(a.DisplayTo, b.DisplayTo),
                    };
                    if (r != 0) return c.Reverse ? -r : r;
                }
                return a.Seq.CompareTo(b.Seq);
            });
            return expected.Select(m => m.Seq).SequenceEqual(MessageSorter.Sort(messages, criteria).Select(m => m.Seq));
        }, iter: 3_000);

    [Fact]
    public void Compare_puts_two_messages_in_the_order_sort_gives_them() =>
        Gen.Select(Messages, Criteria).Sample((messages, criteria) =>
        {
            var sorted = MessageSorter.Sort(messages, criteria);
            for (int i = 0; i < sorted.Count; i++)
                for (int j = 0; j < sorted.Count; j++)
                    if (Math.Sign(MessageSorter.Compare(sorted[i], sorted[j], criteria)) != i.CompareTo(j)) return false;
            return true;
        }, iter: 1_000);
}
