using System.Net;
using CloudMail.Core.Directory;
using CloudMail.Listener.Tests.Infrastructure;
using static CloudMail.AdminApi.Tests.AdminApiServerFixture;

namespace CloudMail.AdminApi.Tests;

[Collection(AdminApiServerCollection.Name)]
public sealed class AliasesTests(AdminApiServerFixture api)
{
    private static string NewAlias() => $"alias-{Guid.NewGuid():N}"[..14] + "@" + TestServer.Domain;

    [Fact]
    public async Task An_alias_added_resolves_in_the_directory_and_is_listed()
    {
        string alias = NewAlias();

        var created = await JsonAsync(await api.SendAsync(HttpMethod.Post, "/api/v1/admin/aliases", new { alias, target = "Someone@Elsewhere.test" }), HttpStatusCode.Created);

        Assert.Equal("someone@elsewhere.test", created.GetProperty("target").GetString());
        Assert.Equal(["someone@elsewhere.test"], await api.Server.Get<IMailDirectory>().GetAliasTargetsAsync(alias, CancellationToken.None));
        var listed = await api.ListAllAsync("/api/v1/admin/aliases?domain=" + TestServer.Domain, 1000);
        Assert.Contains(listed, a => a.GetProperty("alias").GetString() == alias && a.GetProperty("target").GetString() == "someone@elsewhere.test");
    }

    [Fact]
    public async Task An_alias_whose_local_target_reaches_no_account_is_added_with_a_warning_and_one_that_does_without()
    {
        string alias = NewAlias(), user = NewAlias();

        var dangling = await JsonAsync(await api.SendAsync(HttpMethod.Post, "/api/v1/admin/aliases", new { alias, target = user }), HttpStatusCode.Created);
        await api.Server.AddUserAsync(user, "warning-test-password-1");
        var reaching = await JsonAsync(await api.SendAsync(HttpMethod.Post, "/api/v1/admin/aliases", new { alias = NewAlias(), target = user }), HttpStatusCode.Created);
        var remote = await JsonAsync(await api.SendAsync(HttpMethod.Post, "/api/v1/admin/aliases", new { alias = NewAlias(), target = "x@elsewhere.test" }), HttpStatusCode.Created);

        Assert.Equal($"{user} is not an account here, nor an alias that leads to one: mail to {alias} is refused until it is (add the user, or point the alias elsewhere)",
            dangling.GetProperty("warning").GetString());
        Assert.Equal([user], await api.Server.Get<IMailDirectory>().GetAliasTargetsAsync(alias, CancellationToken.None));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, reaching.GetProperty("warning").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, remote.GetProperty("warning").ValueKind);
    }

    [Fact]
    public async Task The_same_mapping_twice_is_409_and_a_non_local_alias_422_and_a_bad_target_422()
    {
        string alias = NewAlias();
        await api.SendAsync(HttpMethod.Post, "/api/v1/admin/aliases", new { alias, target = "a@elsewhere.test" });

        await ProblemAsync(await api.SendAsync(HttpMethod.Post, "/api/v1/admin/aliases", new { alias, target = "a@elsewhere.test" }), HttpStatusCode.Conflict);
        var notLocal = await ProblemAsync(await api.SendAsync(HttpMethod.Post, "/api/v1/admin/aliases", new { alias = "x@not-local.test", target = "a@elsewhere.test" }), HttpStatusCode.UnprocessableEntity);
        Assert.True(notLocal.GetProperty("errors").TryGetProperty("alias", out _));
        await ProblemAsync(await api.SendAsync(HttpMethod.Post, "/api/v1/admin/aliases", new { alias = NewAlias(), target = "not an address" }), HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task One_target_or_all_targets_are_removed_and_unknown_is_404()
    {
        string alias = NewAlias();
        await api.SendAsync(HttpMethod.Post, "/api/v1/admin/aliases", new { alias, target = "a@elsewhere.test" });
        await api.SendAsync(HttpMethod.Post, "/api/v1/admin/aliases", new { alias, target = "b@elsewhere.test" });
        var directory = api.Server.Get<IMailDirectory>();

        Assert.Equal(HttpStatusCode.NoContent, (await api.SendAsync(HttpMethod.Delete, $"/api/v1/admin/aliases/{alias}?target=a@elsewhere.test")).StatusCode);
        Assert.Equal(["b@elsewhere.test"], await directory.GetAliasTargetsAsync(alias, CancellationToken.None));

        Assert.Equal(HttpStatusCode.NoContent, (await api.SendAsync(HttpMethod.Delete, $"/api/v1/admin/aliases/{alias}")).StatusCode);
        Assert.Empty(await directory.GetAliasTargetsAsync(alias, CancellationToken.None));
        await ProblemAsync(await api.SendAsync(HttpMethod.Delete, $"/api/v1/admin/aliases/{alias}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_catch_all_alias_is_accepted()
    {
        string domain = Unique("catch", "test");
        await api.SendAsync(HttpMethod.Post, "/api/v1/admin/domains", new { name = domain });

        var created = await JsonAsync(await api.SendAsync(HttpMethod.Post, "/api/v1/admin/aliases", new { alias = "@" + domain, target = "all@elsewhere.test" }), HttpStatusCode.Created);

        Assert.Equal("@" + domain, created.GetProperty("alias").GetString());
        Assert.Equal(["all@elsewhere.test"], await api.Server.Get<IMailDirectory>().GetAliasTargetsAsync("@" + domain, CancellationToken.None));
    }
}
