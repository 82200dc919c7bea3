using CloudMail.Protocols.Imap;
using CloudMail.Protocols.Imap.Commands;
using CloudMail.Protocols.Imap.Model;
using CloudMail.Protocols.Imap.Parsing;

namespace CloudMail.Protocols.Tests.Imap;

/// <summary>SORT and THREAD command syntax (RFC 5256 §4, RFC 5957 §5).</summary>
public class SortThreadCommandTests
{
    private static T Single<T>(string input) where T : ImapCommand =>
        Assert.IsType<T>(Assert.IsType<ImapCommandReady>(Assert.Single(ReaderHarness.ReadWhole(input))).Command);

    [Fact]
    public void Sort_reads_criteria_in_order_with_reverse_the_charset_and_the_search_keys()
    {
        var sort = Single<SortCommand>("s1 UID SORT (REVERSE date subject reverse DISPLAYFROM displayto ARRIVAL CC FROM TO SIZE) UTF-8 UNSEEN FROM \"alice\"\r\n");

        Assert.True(sort.Uid);
        Assert.Equal("UID SORT", sort.Name);
        Assert.Equal(
            [new(SortKey.Date, true), new(SortKey.Subject, false), new(SortKey.DisplayFrom, true), new(SortKey.DisplayTo, false),
             new(SortKey.Arrival, false), new(SortKey.Cc, false), new(SortKey.From, false), new(SortKey.To, false), new(SortKey.Size, false)],
            sort.Criteria);
        Assert.Equal("UTF-8", sort.Charset);
        var and = Assert.IsType<SearchAnd>(sort.Key);
        Assert.Equal(2, and.Keys.Count);
    }

    [Theory]
    [InlineData("s UID SORT RETURN (MIN max COUNT ALL SAVE) (DATE) UTF-8 ALL\r\n", "MIN,MAX,COUNT,ALL,SAVE")]
    [InlineData("s SORT RETURN () (DATE) UTF-8 ALL\r\n", "")]
    public void Extended_sort_reads_the_return_options(string input, string expected)
    {
        var sort = Single<SortCommand>(input);
        Assert.Equal(expected, string.Join(',', sort.Return!));
        Assert.Equal([new SortCriterion(SortKey.Date, false)], sort.Criteria);
    }

    [Fact]
    public void Plain_sort_has_no_return_options() => Assert.Null(Single<SortCommand>("s SORT (DATE) UTF-8 ALL\r\n").Return);

    [Fact]
    public void Thread_reads_the_algorithm_charset_and_keys()
    {
        var thread = Single<ThreadCommand>("t1 THREAD references US-ASCII ALL\r\n");
        Assert.Equal((ThreadAlgorithm.References, "US-ASCII", false), (thread.Algorithm, thread.Charset, thread.Uid));
        Assert.IsType<SearchAll>(thread.Key);

        var uid = Single<ThreadCommand>("t2 UID THREAD ORDEREDSUBJECT \"UTF-8\" (SINCE 1-Jan-2024 OR SEEN DELETED)\r\n");
        Assert.Equal((ThreadAlgorithm.OrderedSubject, "UTF-8", "UID THREAD"), (uid.Algorithm, uid.Charset, uid.Name));
    }

    [Theory]
    [InlineData("a SORT (DATE) ALL\r\n")] // the charset is not optional
    [InlineData("a SORT DATE UTF-8 ALL\r\n")]
    [InlineData("a SORT () UTF-8 ALL\r\n")]
    [InlineData("a SORT (SENDER) UTF-8 ALL\r\n")]
    [InlineData("a SORT (REVERSE) UTF-8 ALL\r\n")]
    [InlineData("a SORT (REVERSE REVERSE DATE) UTF-8 ALL\r\n")]
    [InlineData("a SORT (DATE) UTF-8\r\n")]
    [InlineData("a SORT RETURN (PARTIAL 1:-5) (DATE) UTF-8 ALL\r\n")] // both ends of a PARTIAL range share a sign (RFC 9394 §6)
    [InlineData("a SORT RETURN (MIN)(DATE) UTF-8 ALL\r\n")]
    [InlineData("a THREAD UTF-8 ALL\r\n")]
    [InlineData("a THREAD X-JWZ UTF-8 ALL\r\n")]
    [InlineData("a UID THREAD REFERENCES UTF-8 FROBNICATE\r\n")]
    public void Malformed_sort_and_thread_get_BAD_with_the_tag(string input)
    {
        var reject = Assert.IsType<ImapRejected>(Assert.Single(ReaderHarness.ReadWhole(input)));
        Assert.Equal((ImapStatus.Bad, "a"), (reject.Status, reject.Tag));
    }

    [Theory]
    [InlineData("SORT")]
    [InlineData("UID SORT")]
    [InlineData("THREAD")]
    [InlineData("UID THREAD")]
    public void Sort_and_thread_need_a_selected_mailbox(string command)
    {
        Assert.False(ImapStateTable.IsAllowed(ImapState.Authenticated, command));
        Assert.True(ImapStateTable.IsAllowed(ImapState.Selected, command));
    }

    [Fact]
    public void Sequence_number_forms_hold_back_expunge_updates_and_uid_forms_do_not()
    {
        Assert.Equal(UntaggedUpdates.NoExpunge, ImapStateTable.Rules["SORT"].Updates);
        Assert.Equal(UntaggedUpdates.NoExpunge, ImapStateTable.Rules["THREAD"].Updates);
        Assert.Equal(UntaggedUpdates.All, ImapStateTable.Rules["UID SORT"].Updates);
        Assert.Equal(UntaggedUpdates.All, ImapStateTable.Rules["UID THREAD"].Updates);
    }
}
