using System.Net;
using System.Net.Http.Headers;
using CloudMail.Listener.Tests.Infrastructure;
using static CloudMail.AdminApi.Tests.AdminApiServerFixture;

namespace CloudMail.AdminApi.Tests;

/// <summary>Send API keys managed through the admin API work (and stop working) on the send API of the same endpoint.</summary>
[Collection(AdminApiServerCollection.Name)]
public sealed class ApiKeysTests(AdminApiServerFixture api)
{
    [Fact]
    public async Task A_created_key_is_shown_once_works_on_the_send_api_is_listed_without_secret_and_stops_when_revoked()
    {
        var created = await JsonAsync(await api.SendAsync(HttpMethod.Post, "/api/v1/admin/api-keys", new { domain = TestServer.Domain }), HttpStatusCode.Created);
        string key = created.GetProperty("key").GetString()!;
        string keyId = created.GetProperty("keyId").GetString()!;
        Assert.StartsWith("cm_" + keyId + "_", key);

        Assert.Equal(HttpStatusCode.NotFound, (await StatusWithAsync(key)).StatusCode); // authenticated: the message is unknown

        var listed = await api.ListAllAsync("/api/v1/admin/api-keys?domain=" + TestServer.Domain, 1000);
        var entry = Assert.Single(listed, k => k.GetProperty("keyId").GetString() == keyId);
        Assert.False(entry.TryGetProperty("key", out _));
        Assert.DoesNotContain(key[^20..], (await (await api.SendAsync(HttpMethod.Get, "/api/v1/admin/api-keys")).Content.ReadAsStringAsync()));

        Assert.Equal(HttpStatusCode.NoContent, (await api.SendAsync(HttpMethod.Delete, "/api/v1/admin/api-keys/" + keyId)).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await StatusWithAsync(key)).StatusCode);
        await ProblemAsync(await api.SendAsync(HttpMethod.Delete, "/api/v1/admin/api-keys/" + keyId), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_key_for_a_domain_that_is_not_local_is_422()
    {
        var problem = await ProblemAsync(await api.SendAsync(HttpMethod.Post, "/api/v1/admin/api-keys", new { domain = "not-local.test" }), HttpStatusCode.UnprocessableEntity);

        Assert.True(problem.GetProperty("errors").TryGetProperty("domain", out _));
    }

    private Task<HttpResponseMessage> StatusWithAsync(string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/messages/" + Core.Messages.MessageIds.New());
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return api.Http.SendAsync(request);
    }
}
