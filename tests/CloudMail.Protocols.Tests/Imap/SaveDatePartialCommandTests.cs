using CloudMail.Protocols.Imap.Commands;
using CloudMail.Protocols.Imap.Model;
using CloudMail.Protocols.Imap.Parsing;

namespace CloudMail.Protocols.Tests.Imap;

/// <summary>SAVEDATE syntax (RFC 8514 §5) and PARTIAL ranges (RFC 5267 §6, RFC 9394 §6).</summary>
public class SaveDatePartialCommandTests
{
    private static T Single<T>(string input) where T : ImapCommand =>
        Assert.IsType<T>(Assert.IsType<ImapCommandReady>(Assert.Single(ReaderHarness.ReadWhole(input))).Command);

    private static ImapRejected Rejected(string input) => Assert.IsType<ImapRejected>(Assert.Single(ReaderHarness.ReadWhole(input)));

    [Fact]
    public void Fetch_reads_savedate_as_an_item()
    {
        var fetch = Single<FetchCommand>("f UID FETCH 1:* (UID savedate FLAGS)\r\n");
        Assert.Equal([FetchItemKind.Uid, FetchItemKind.SaveDate, FetchItemKind.Flags], fetch.Items.Select(i => i.Kind));
        Assert.Equal(FetchItemKind.SaveDate, Assert.Single(Single<FetchCommand>("f FETCH 2 SAVEDATE\r\n").Items).Kind);
    }

    [Theory]
    [InlineData("SAVEDBEFORE 1-Feb-2024", SearchDateComparison.Before)]
    [InlineData("savedon 01-Feb-2024", SearchDateComparison.On)]
    [InlineData("SAVEDSINCE \"1-Feb-2024\"", SearchDateComparison.Since)]
    public void Search_reads_the_saved_date_keys(string key, SearchDateComparison comparison)
    {
        var search = Single<SearchCommand>($"s SEARCH {key}\r\n");
        Assert.Equal(new SearchDate(SearchDateField.Saved, comparison, new DateOnly(2024, 2, 1)), search.Key);
    }

    [Fact]
    public void Search_reads_savedatesupported_inside_other_keys()
    {
        var search = Single<SearchCommand>("s SEARCH OR SAVEDATESUPPORTED NOT SAVEDATESUPPORTED\r\n");
        Assert.Equal(new SearchOr(SearchSaveDateSupported.Instance, new SearchNot(SearchSaveDateSupported.Instance)), search.Key);
    }

    [Theory]
    [InlineData("s SEARCH RETURN (PARTIAL 1:100) ALL\r\n", 1, 100)]
    [InlineData("s UID SEARCH RETURN (count Partial 500:400 MIN) SEEN\r\n", 400, 500)]
    [InlineData("s SEARCH RETURN (PARTIAL -1:-25) ALL\r\n", -1, -25)]
    [InlineData("s SEARCH RETURN (PARTIAL 4294967295:1) ALL\r\n", 1, 4294967295)]
    [InlineData("s SEARCH RETURN (PARTIAL -9:-3) ALL\r\n", -3, -9)]
    public void Search_reads_a_partial_range_nearer_end_first(string input, long first, long last)
    {
        var search = Single<SearchCommand>(input);
        Assert.Equal(new PartialRange(first, last), search.Partial);
        Assert.Contains("PARTIAL", search.Return!);
    }

    [Fact]
    public void Sort_and_fetch_read_a_partial_range()
    {
        var sort = Single<SortCommand>("s UID SORT RETURN (PARTIAL -1:-10) (REVERSE DATE) UTF-8 ALL\r\n");
        Assert.Equal(new PartialRange(-1, -10), sort.Partial);
        var fetch = Single<FetchCommand>("f UID FETCH 1:* (FLAGS) (CHANGEDSINCE 5 PARTIAL 1:50)\r\n");
        Assert.Equal((new PartialRange(1, 50), (ulong?)5), (fetch.Partial, fetch.ChangedSince));
        Assert.Null(Single<FetchCommand>("f FETCH 1 FLAGS\r\n").Partial);
    }

    [Theory]
    [InlineData("s SEARCH RETURN (PARTIAL 0:10) ALL\r\n")]
    [InlineData("s SEARCH RETURN (PARTIAL -1:10) ALL\r\n")]
    [InlineData("s SEARCH RETURN (PARTIAL 1:-10) ALL\r\n")]
    [InlineData("s SEARCH RETURN (PARTIAL 1) ALL\r\n")]
    [InlineData("s SEARCH RETURN (PARTIAL) ALL\r\n")]
    [InlineData("s SEARCH RETURN (PARTIAL 4294967296:1) ALL\r\n")]
    [InlineData("s SEARCH RETURN (PARTIAL 1:2 PARTIAL 3:4) ALL\r\n")]
    [InlineData("f FETCH 1:* FLAGS (PARTIAL 1:2 PARTIAL 3:4)\r\n")]
    [InlineData("s SEARCH SAVEDON\r\n")]
    [InlineData("s SEARCH SAVEDBEFORE 31-Feb-2024\r\n")]
    public void Malformed_syntax_is_rejected_with_bad(string input) =>
        Assert.Equal(CloudMail.Protocols.Imap.ImapStatus.Bad, Rejected(input).Status);

    [Theory]
    [InlineData(1, 3, new[] { 1, 2, 3 })]
    [InlineData(3, 1, new[] { 1, 2, 3 })]
    [InlineData(-1, -2, new[] { 9, 10 })]
    [InlineData(-2, -1, new[] { 9, 10 })]
    [InlineData(9, 20, new[] { 9, 10 })]
    [InlineData(-9, -20, new[] { 1, 2 })]
    [InlineData(11, 20, new int[0])]
    [InlineData(-11, -20, new int[0])]
    public void A_range_picks_positions_from_the_start_or_the_end(long first, long last, int[] expected)
    {
        int[] result = [.. Enumerable.Range(1, 10)];
        Assert.Equal(expected, new PartialRange(first, last).Apply(result));
    }
}
