using System.Net;
using CloudMail.Core.Directory;
using static CloudMail.AdminApi.Tests.AdminApiServerFixture;

namespace CloudMail.AdminApi.Tests;

[Collection(AdminApiServerCollection.Name)]
public sealed class DomainsTests(AdminApiServerFixture api)
{
    [Fact]
    public async Task A_domain_added_is_local_listed_and_shown_at_its_location()
    {
        string domain = Unique("Add", "TEST");

        var response = await api.SendAsync(HttpMethod.Post, "/api/v1/admin/domains", new { name = domain });

        var created = await JsonAsync(response, HttpStatusCode.Created);
        Assert.Equal(domain.ToLowerInvariant(), created.GetProperty("name").GetString());
        Assert.Equal("/api/v1/admin/domains/" + domain.ToLowerInvariant(), response.Headers.Location?.OriginalString);
        Assert.True(await api.Server.Get<IMailDirectory>().IsLocalDomainAsync(domain, CancellationToken.None));
        var shown = await JsonAsync(await api.SendAsync(HttpMethod.Get, response.Headers.Location!.OriginalString), HttpStatusCode.OK);
        Assert.Equal(domain.ToLowerInvariant(), shown.GetProperty("name").GetString());
        var all = await api.ListAllAsync("/api/v1/admin/domains", 1000);
        Assert.Contains(all, d => d.GetProperty("name").GetString() == domain.ToLowerInvariant());
    }

    [Fact]
    public async Task An_internationalized_name_is_added_in_its_ascii_form_and_is_the_same_domain_as_that()
    {
        string label = Unique("b", "x").Split('.')[0];
        string unicode = $"{label}-bücher.test", ascii = new System.Globalization.IdnMapping().GetAscii(unicode);
        Assert.StartsWith("xn--", ascii, StringComparison.Ordinal);

        var created = await JsonAsync(await api.SendAsync(HttpMethod.Post, "/api/v1/admin/domains", new { name = unicode }), HttpStatusCode.Created);
        Assert.Equal(ascii, created.GetProperty("name").GetString());
        Assert.True(await api.Server.Get<IMailDirectory>().IsLocalDomainAsync(ascii, CancellationToken.None));
        await ProblemAsync(await api.SendAsync(HttpMethod.Post, "/api/v1/admin/domains", new { name = ascii }), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Adding_a_local_domain_again_is_409()
    {
        string domain = Unique("dup", "test");
        Assert.Equal(HttpStatusCode.Created, (await api.SendAsync(HttpMethod.Post, "/api/v1/admin/domains", new { name = domain })).StatusCode);

        await ProblemAsync(await api.SendAsync(HttpMethod.Post, "/api/v1/admin/domains", new { name = domain }), HttpStatusCode.Conflict);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("bad_name.test")]
    [InlineData("-dash.test")]
    [InlineData("two..dots.test")]
    [InlineData("ex_ämple.test")] // not a valid internationalized name either
    public async Task A_name_that_is_not_a_domain_is_422_and_nothing_is_added(string name)
    {
        await ProblemAsync(await api.SendAsync(HttpMethod.Post, "/api/v1/admin/domains", new { name }), HttpStatusCode.UnprocessableEntity);

        Assert.DoesNotContain(name, await api.Server.Get<IMailDirectory>().ListDomainsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_missing_name_is_422_naming_the_field_and_bad_json_is_400_and_another_media_type_415()
    {
        var missing = await ProblemAsync(await api.SendAsync(HttpMethod.Post, "/api/v1/admin/domains", new { }), HttpStatusCode.UnprocessableEntity);
        Assert.True(missing.GetProperty("errors").TryGetProperty("name", out _));

        await ProblemAsync(await api.SendAsync(HttpMethod.Post, "/api/v1/admin/domains", "{\"name\": "), HttpStatusCode.BadRequest);
        await ProblemAsync(await api.SendAsync(HttpMethod.Post, "/api/v1/admin/domains", "[1, 2]"), HttpStatusCode.BadRequest);

        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/admin/domains") { Content = new StringContent("name=x.test", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded") };
        request.Headers.Authorization = new("Bearer", api.Key);
        await ProblemAsync(await api.Http.SendAsync(request), HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413()
    {
        string body = "{\"name\": \"" + new string('a', AdminApiHttp.MaxBodySize) + "\"}";

        await ProblemAsync(await api.SendAsync(HttpMethod.Post, "/api/v1/admin/domains", body), HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task A_domain_with_users_cannot_be_removed_409_and_an_empty_one_is_removed_204()
    {
        string domain = Unique("rm", "test");
        await api.SendAsync(HttpMethod.Post, "/api/v1/admin/domains", new { name = domain });
        var user = await api.SendAsync(HttpMethod.Post, "/api/v1/admin/users", new { address = "someone@" + domain, password = Password });
        Assert.Equal(HttpStatusCode.Created, user.StatusCode);

        await ProblemAsync(await api.SendAsync(HttpMethod.Delete, "/api/v1/admin/domains/" + domain), HttpStatusCode.Conflict);
        Assert.True(await api.Server.Get<IMailDirectory>().IsLocalDomainAsync(domain, CancellationToken.None));

        Assert.Equal(HttpStatusCode.NoContent, (await api.SendAsync(HttpMethod.Delete, "/api/v1/admin/users/someone@" + domain)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await api.SendAsync(HttpMethod.Delete, "/api/v1/admin/domains/" + domain)).StatusCode);
        await ProblemAsync(await api.SendAsync(HttpMethod.Get, "/api/v1/admin/domains/" + domain), HttpStatusCode.NotFound);
        await ProblemAsync(await api.SendAsync(HttpMethod.Delete, "/api/v1/admin/domains/" + domain), HttpStatusCode.NotFound);
    }
}
