using System.Net;
using static CloudMail.AdminApi.Tests.AdminApiServerFixture;

namespace CloudMail.AdminApi.Tests;

/// <summary><c>?limit=&amp;cursor=</c> over the real endpoint: pages follow next links without repeats or gaps.</summary>
[Collection(AdminApiServerCollection.Name)]
public sealed class PaginationTests(AdminApiServerFixture api)
{
    [Fact]
    public async Task Following_next_links_visits_every_domain_once_in_order_with_at_most_limit_per_page()
    {
        string suffix = Unique("page", "test");
        var added = new List<string>();
        for (int i = 0; i < 7; i++)
        {
            string name = $"d{i}.{suffix}";
            Assert.Equal(HttpStatusCode.Created, (await api.SendAsync(HttpMethod.Post, "/api/v1/admin/domains", new { name })).StatusCode);
            added.Add(name);
        }
        var sizes = new List<int>();

        var all = (await api.ListAllAsync("/api/v1/admin/domains", 3, sizes)).Select(d => d.GetProperty("name").GetString()!).ToList();

        Assert.All(sizes, size => Assert.InRange(size, 0, 3));
        Assert.Equal(all.Distinct().Count(), all.Count);
        Assert.Equal(all.Order(StringComparer.Ordinal), all);
        Assert.Superset(added.ToHashSet(), all.ToHashSet());
    }

    [Fact]
    public async Task The_next_link_keeps_the_filter_and_the_last_page_has_none()
    {
        string domain = Unique("pagef", "test");
        await api.SendAsync(HttpMethod.Post, "/api/v1/admin/domains", new { name = domain });
        foreach (string local in new[] { "a", "b", "c" })
            await api.SendAsync(HttpMethod.Post, "/api/v1/admin/users", new { address = $"{local}@{domain}", password = Password });

        var first = await JsonAsync(await api.SendAsync(HttpMethod.Get, $"/api/v1/admin/users?domain={domain}&limit=2"), HttpStatusCode.OK);
        string next = first.GetProperty("next").GetString()!;
        var second = await JsonAsync(await api.SendAsync(HttpMethod.Get, next), HttpStatusCode.OK);

        Assert.Contains("domain=" + domain, next);
        Assert.Equal(["a@" + domain, "b@" + domain], first.GetProperty("items").EnumerateArray().Select(u => u.GetProperty("address").GetString()));
        Assert.Equal(["c@" + domain], second.GetProperty("items").EnumerateArray().Select(u => u.GetProperty("address").GetString()));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, second.GetProperty("next").ValueKind);
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=1001")]
    [InlineData("limit=ten")]
    [InlineData("cursor=not-a-cursor!")]
    [InlineData("cursor=Zm9v")]
    public async Task A_malformed_limit_or_cursor_is_400(string query)
    {
        await ProblemAsync(await api.SendAsync(HttpMethod.Get, "/api/v1/admin/domains?" + query), HttpStatusCode.BadRequest);
    }
}
