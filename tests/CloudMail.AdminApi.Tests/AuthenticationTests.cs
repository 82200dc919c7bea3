using System.Net;
using System.Net.Http.Headers;
using CloudMail.Core.Directory;
using CloudMail.Listener.Tests.Infrastructure;
using static CloudMail.AdminApi.Tests.AdminApiServerFixture;

namespace CloudMail.AdminApi.Tests;

/// <summary>Admin API keys over the real endpoint: 401 for a missing, unknown, revoked or send API key; 403 for a missing scope.</summary>
[Collection(AdminApiServerCollection.Name)]
public sealed class AuthenticationTests(AdminApiServerFixture api)
{
    [Fact]
    public async Task A_request_without_a_key_gets_401_with_a_bearer_challenge()
    {
        var response = await api.SendAsync(HttpMethod.Get, "/api/v1/admin/domains", key: "");

        await ProblemAsync(response, HttpStatusCode.Unauthorized);
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.DoesNotContain("error=", challenge.Parameter ?? "");
    }

    [Fact]
    public async Task An_unknown_key_gets_401_invalid_token_and_the_key_is_not_echoed()
    {
        const string wrong = "cmadmin_0123456789abcdef_wrongwrongwrongwrongwrongwrongwrongwrongwro";
        var response = await api.SendAsync(HttpMethod.Get, "/api/v1/admin/domains", key: wrong);

        var problem = await ProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains("error=\"invalid_token\"", Assert.Single(response.Headers.WwwAuthenticate).Parameter);
        Assert.DoesNotContain("wrongwrong", problem.ToString());
    }

    [Fact]
    public async Task Another_scheme_than_bearer_gets_401()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/admin/domains");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("admin:admin"u8.ToArray()));

        await ProblemAsync(await api.Http.SendAsync(request), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_send_api_key_is_not_an_admin_key()
    {
        string sendKey = (await api.Server.Get<IApiKeyStore>().CreateAsync(TestServer.Domain, CancellationToken.None)).Key;

        await ProblemAsync(await api.SendAsync(HttpMethod.Get, "/api/v1/admin/domains", key: sendKey), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_revoked_key_stops_working_at_once()
    {
        string key = await api.NewKeyAsync("admin:read");
        Assert.Equal(HttpStatusCode.OK, (await api.SendAsync(HttpMethod.Get, "/api/v1/admin/domains", key: key)).StatusCode);
        Assert.True(ApiKeyFormatOf(key, out string keyId));

        Assert.True(await api.Server.Get<IAdminKeyStore>().RevokeAsync(keyId, CancellationToken.None));

        await ProblemAsync(await api.SendAsync(HttpMethod.Get, "/api/v1/admin/domains", key: key), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_read_only_key_may_list_but_not_change_and_nothing_changes()
    {
        string domain = Unique("ro", "test");

        var response = await api.SendAsync(HttpMethod.Post, "/api/v1/admin/domains", new { name = domain }, api.ReadKey);

        await ProblemAsync(response, HttpStatusCode.Forbidden);
        var challenge = Assert.Single(response.Headers.WwwAuthenticate).Parameter;
        Assert.Contains("error=\"insufficient_scope\"", challenge);
        Assert.Contains("scope=\"admin:write\"", challenge);
        Assert.False(await api.Server.Get<IMailDirectory>().IsLocalDomainAsync(domain, CancellationToken.None));
        Assert.Equal(HttpStatusCode.OK, (await api.SendAsync(HttpMethod.Get, "/api/v1/admin/domains", key: api.ReadKey)).StatusCode);
    }

    [Fact]
    public async Task A_write_only_key_may_change_but_not_read()
    {
        await ProblemAsync(await api.SendAsync(HttpMethod.Get, "/api/v1/admin/users", key: api.WriteKey), HttpStatusCode.Forbidden);

        string domain = Unique("wo", "test");
        Assert.Equal(HttpStatusCode.Created, (await api.SendAsync(HttpMethod.Post, "/api/v1/admin/domains", new { name = domain }, api.WriteKey)).StatusCode);
    }

    [Fact]
    public async Task An_unknown_route_is_404_and_a_wrong_method_is_405_with_allow()
    {
        await ProblemAsync(await api.SendAsync(HttpMethod.Get, "/api/v1/admin/nothing-here"), HttpStatusCode.NotFound);

        var response = await api.SendAsync(HttpMethod.Put, "/api/v1/admin/domains", new { name = "x.test" });

        await ProblemAsync(response, HttpStatusCode.MethodNotAllowed);
        Assert.Equal(["GET", "POST"], response.Content.Headers.Allow.Order());
    }

    private static bool ApiKeyFormatOf(string key, out string keyId) =>
        Core.SendApi.ApiKeyFormat.TryParse(key, Core.SendApi.ApiKeyFormat.AdminPrefix, out keyId, out _);
}
