using System.Collections.Specialized;

namespace CloudMail.AdminApi.Tests;

/// <summary><see cref="Pagination"/> without a server: ordering, cursors that survive inserts, and malformed input.</summary>
public sealed class PaginationUnitTests
{
    private static Page<string> PageOf(IEnumerable<string> items, string query)
    {
        var parsed = System.Web.HttpUtility.ParseQueryString(query);
        var request = Pagination.Read(parsed, out var problem) ?? throw new InvalidOperationException(problem!.Detail);
        return Pagination.Page(items, s => s, s => s, request, "things", parsed);
    }

    private static string CursorOf(string next) => System.Web.HttpUtility.ParseQueryString(new Uri("http://x" + next).Query)["cursor"]!;

    [Fact]
    public void Items_come_in_key_order_and_the_next_page_starts_after_the_last_key_even_when_items_were_added()
    {
        var first = PageOf(["c", "a", "d", "b"], "limit=2");
        Assert.Equal(["a", "b"], first.Items);

        var second = PageOf(["c", "a", "aa", "d", "b"], "limit=2&cursor=" + CursorOf(first.Next!));

        Assert.Equal(["c", "d"], second.Items);
        Assert.Null(second.Next);
    }

    [Fact]
    public void The_next_link_is_under_the_base_path_and_keeps_other_parameters()
    {
        var page = PageOf(["a", "b"], "limit=1&domain=example.test");

        Assert.StartsWith(AdminApiHttp.BasePath + "/things?domain=example.test&limit=1&cursor=", page.Next);
    }

    [Fact]
    public void Without_a_limit_a_page_holds_the_default()
    {
        var page = PageOf(Enumerable.Range(0, Pagination.DefaultLimit + 5).Select(i => i.ToString("D4")), "");

        Assert.Equal(Pagination.DefaultLimit, page.Items.Count);
        Assert.NotNull(page.Next);
    }

    [Theory]
    [InlineData("limit=-1")]
    [InlineData("limit=+5")]
    [InlineData("cursor=%%%")]
    [InlineData("cursor=eA")]
    public void Malformed_values_are_a_400_problem_not_an_exception(string query)
    {
        Assert.Null(Pagination.Read(System.Web.HttpUtility.ParseQueryString(query), out var problem));
        Assert.Equal(400, problem!.Status);
    }
}
