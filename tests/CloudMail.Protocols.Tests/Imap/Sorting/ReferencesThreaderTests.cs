using CloudMail.Protocols.Imap.Sorting;
using static CloudMail.Protocols.Tests.Imap.Sorting.ThreadTestMessages;

namespace CloudMail.Protocols.Tests.Imap.Sorting;

/// <summary>THREAD=REFERENCES (RFC 5256 §3), the step numbers are the RFC's.</summary>
public class ReferencesThreaderTests
{
    private static string Thread(params ThreadMessage[] messages) => ThreadNode.Format(ReferencesThreader.Thread(messages));

    [Fact]
    public void The_rfc_example_tree_is_written_as_in_the_rfc()
    {
        // RFC 5256 §4: "(2)(3 6 (4 23)(44 7 96))": 3 > 6 > {4 > 23, 44 > 7 > 96}.
        string result = Thread(
            Msg(2, "Other", 1, "m2"),
            Msg(3, "Topic", 2, "m3"),
            Msg(4, "Re: Topic", 4, "m4", "m3", "m6"),
            Msg(6, "Re: Topic", 3, "m6", "m3"),
            Msg(7, "Re: Topic", 7, "m7", "m3", "m6", "m44"),
            Msg(23, "Re: Topic", 5, "m23", "m3", "m6", "m4"),
            Msg(44, "Re: Topic", 6, "m44", "m3", "m6"),
            Msg(96, "Re: Topic", 8, "m96", "m3", "m6", "m44", "m7"));

        Assert.Equal("(2)(3 6 (4 23)(44 7 96))", result);
    }

    [Fact]
    public void Replies_to_a_missing_parent_stay_together_under_a_dummy_and_a_lone_one_is_promoted()
    {
        string result = Thread(
            Msg(1, "Lost", 1, "a", "gone"),
            Msg(2, "Re: Lost", 2, "b", "gone"),
            Msg(3, "Alone", 3, "c", "gone-too"));

        // Step 3: the dummy for <gone> keeps its two children at the top level ("((1)(2))", RFC 5256 §4's
        // "thread-nested"); the dummy for <gone-too> with a single child gives way to it.
        Assert.Equal("((1)(2))(3)", result);
    }

    [Fact]
    public void A_dummy_in_the_middle_of_a_chain_is_replaced_by_its_children()
    {
        // 2 and 3 reply to <mid>, which is not in the mailbox but itself replies to 1.
        string result = Thread(
            Msg(1, "Plan", 1, "top"),
            Msg(2, "Re: Plan", 3, "r1", "top", "mid"),
            Msg(3, "Re: Plan", 2, "r2", "top", "mid"));

        Assert.Equal("(1 (3)(2))", result);
    }

    [Fact]
    public void In_reply_to_alone_links_a_reply_and_siblings_sort_by_sent_date()
    {
        string result = Thread(
            Msg(1, "Lunch?", 1, "q"),
            Msg(2, "Re: Lunch?", 9, "late", "q"),
            Msg(3, "Re: Lunch?", 5, "early", "q"));

        Assert.Equal("(1 (3)(2))", result);
    }

    [Fact]
    public void A_later_references_list_does_not_move_a_message_that_already_has_a_parent()
    {
        // Step 1.A: 4 is already a child of 1 (its own References name only 1); 5's full chain c1 c2 c3 c4 leaves it there.
        string result = Thread(
            Msg(1, "Chain", 1, "c1"),
            Msg(2, "Re: Chain", 2, "c2", "c1"),
            Msg(3, "Re: Chain", 3, "c3", "c1", "c2"),
            Msg(4, "Re: Chain", 4, "c4", "c1"),
            Msg(5, "Re: Chain", 5, "c5", "c1", "c2", "c3", "c4"));

        Assert.Equal("(1 (2 3)(4 5))", result);
    }

    [Fact]
    public void A_message_s_own_last_reference_decides_its_parent()
    {
        // 4 (c5) is seen first and places c4 under c3; then 5 (c4) names only c1: step 1.B breaks c3 > c4 for c1 > c4.
        string result = Thread(
            Msg(1, "Chain", 1, "c1"),
            Msg(2, "Re: Chain", 2, "c2", "c1"),
            Msg(3, "Re: Chain", 3, "c3", "c1", "c2"),
            Msg(4, "Re: Chain", 5, "c5", "c1", "c2", "c3", "c4"),
            Msg(5, "Re: Chain", 4, "c4", "c1"));

        Assert.Equal("(1 (2 3)(5 4))", result);
    }

    [Fact]
    public void Threads_without_references_merge_by_subject_reply_under_the_original()
    {
        string result = Thread(
            Msg(1, "Meeting", 1, "m1"),
            Msg(2, "Re: meeting", 2, "m2"),
            Msg(3, "Unrelated", 3, "u1"));

        // Step 5.C: a reply (by its subject) becomes a child of the non-reply with the same base subject.
        Assert.Equal("(1 2)(3)", result);
    }

    [Fact]
    public void Two_originals_with_one_subject_are_gathered_under_a_dummy()
    {
        string result = Thread(
            Msg(1, "Report", 1, "x1"),
            Msg(2, "Report", 2, "x2"),
            Msg(3, "Re: Report", 3, "x3"));

        // Step 5.C: neither 1 nor 2 is a reply: a new dummy holds both; then the reply 3 joins the dummy.
        Assert.Equal("((1)(2)(3))", result);
    }

    [Fact]
    public void Empty_subjects_are_never_merged()
    {
        Assert.Equal("(1)(2)", Thread(Msg(1, "", 1, "e1"), Msg(2, "Re:", 2, "e2")));
    }

    [Fact]
    public void Duplicate_message_ids_belong_to_the_first_message_only()
    {
        string result = Thread(
            Msg(1, "First", 1, "dup"),
            Msg(2, "Second", 2, "dup"),
            Msg(3, "Re: First", 3, "r", "dup"));

        Assert.Equal("(1 3)(2)", result);
    }

    [Fact]
    public void Reference_loops_and_self_references_do_not_hang_or_drop_messages()
    {
        string result = Thread(
            Msg(1, "Loop one", 1, "a", "b"),
            Msg(2, "Loop two", 2, "b", "a"),
            Msg(3, "Self", 3, "s", "s"));

        // 1 names b as parent; 2 (b) naming a (1) as parent would make a loop, so that link is not made.
        Assert.Equal("(2 1)(3)", result);
    }

    [Fact]
    public void Message_ids_compare_case_sensitively()
    {
        Assert.Equal("(1)(2)", Thread(Msg(1, "Upper", 1, "ID@X"), Msg(2, "Lower", 2, "r", "id@x")));
    }

    [Fact]
    public void A_reply_chain_far_deeper_than_the_stack_allows_recursion_for_is_threaded()
    {
        const int depth = 50_000;
        var chain = Enumerable.Range(1, depth).Select(i => Msg((uint)i, "Re: deep", i, $"d{i}", i == 1 ? [] : [$"d{i - 1}"])).ToArray();
        // Every message also branches off a short side reply, so the answer nests as deep as the chain.
        var sides = Enumerable.Range(1, depth).Select(i => Msg((uint)(depth + i), "Re: deep", depth + i, $"s{i}", $"d{i}"));

        string result = ThreadNode.Format(ReferencesThreader.Thread([.. chain, .. sides]));

        // 1 > {2 > {3 > ..., side 2}, side 1}: "(1 (2 (3 ... (N 2N)(2N-1)) ... (N+2))(N+1))".
        Assert.StartsWith("(1 (2 (3 (4 ", result, StringComparison.Ordinal);
        Assert.Contains($" ({depth} {2 * depth})({2 * depth - 1}))", result, StringComparison.Ordinal);
        Assert.EndsWith($"({depth + 2}))({depth + 1}))", result, StringComparison.Ordinal);
        Assert.Equal(2 * depth - 1, result.Count(c => c == '('));
    }

    [Fact]
    public void No_messages_give_no_threads() => Assert.Empty(ReferencesThreader.Thread([]));
}
