using System.Net;
using CloudMail.Core.Admin;
using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Directory;
using CloudMail.Listener.Tests.Infrastructure;

namespace CloudMail.AdminApi.Tests.WebConsole;

/// <summary>
/// The web console over plain HTTP on the real server, without a browser: what the cookies say, that every form needs its
/// CSRF token, that keys without a scope are refused, that what came from the network is escaped, and sign-out.
/// </summary>
[Collection(AdminApiServerCollection.Name)]
public sealed class ConsoleHttpTests(AdminApiServerFixture api) : IDisposable
{
    private readonly ConsoleClient _client = ConsoleClient.For(api.Http.BaseAddress!);

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task A_page_without_a_session_is_401_with_the_sign_in_form()
    {
        var response = await _client.GetAsync("/admin/domains");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("Cookie ", response.Headers.WwwAuthenticate.ToString());
        string html = await response.Content.ReadAsStringAsync();
        Assert.Contains("action=\"/admin/sign-in\"", html);
        Assert.DoesNotContain(TestServer.Domain, html);
    }

    [Fact]
    public async Task Signing_in_sets_an_HttpOnly_SameSite_Strict_session_cookie_not_marked_Secure_over_plain_http()
    {
        var response = await _client.SignInAsync(api.Key);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("/admin", response.Headers.Location?.ToString());
        string cookie = Assert.Single(ConsoleClient.SetCookies(response, "cloudmail_session"));
        Assert.Contains("; HttpOnly", cookie);
        Assert.Contains("; SameSite=Strict", cookie);
        Assert.Contains("; Path=/admin", cookie);
        Assert.DoesNotContain("Secure", cookie);
        var dashboard = await _client.GetAsync("/admin");
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Contains("Queue depth", await dashboard.Content.ReadAsStringAsync());
        Assert.Equal("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            dashboard.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Fact]
    public async Task A_wrong_key_or_a_send_api_key_does_not_sign_in()
    {
        string sendKey = (await api.Server.Get<IApiKeyStore>().CreateAsync(TestServer.Domain, CancellationToken.None)).Key;

        foreach (string key in new[] { "cmadmin_0000000000000000_wrong", sendKey, api.Key[..^2] })
        {
            var response = await _client.SignInAsync(key);

            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Empty(ConsoleClient.SetCookies(response, "cloudmail_session"));
            Assert.DoesNotContain(key, await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task Signing_in_without_the_forms_token_is_403()
    {
        await _client.GetAsync("/admin/sign-in");

        var missing = await _client.PostAsync("/admin/sign-in", null, ("key", api.Key));
        var forged = await _client.PostAsync("/admin/sign-in", ConsoleSessionsTokenOfAnotherBrowser(), ("key", api.Key));

        Assert.Equal(HttpStatusCode.Forbidden, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Empty(ConsoleClient.SetCookies(missing, "cloudmail_session"));
        Assert.Empty(ConsoleClient.SetCookies(forged, "cloudmail_session"));
    }

    [Fact]
    public async Task A_form_posted_without_its_csrf_token_is_403_and_changes_nothing()
    {
        await _client.SignInAsync(api.Key);
        string domain = AdminApiServerFixture.Unique("csrf", "test");

        var missing = await _client.PostAsync("/admin/domains", null, ("name", domain));
        var wrong = await _client.PostAsync("/admin/domains", ConsoleSessionsTokenOfAnotherBrowser(), ("name", domain));

        Assert.Equal(HttpStatusCode.Forbidden, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        Assert.False(await api.Server.Get<IMailDirectory>().IsLocalDomainAsync(domain, CancellationToken.None));

        var posted = await _client.PostAsync("/admin/domains", await _client.CsrfOfPageAsync("/admin/domains"), ("name", domain));

        Assert.Equal(HttpStatusCode.SeeOther, posted.StatusCode);
        Assert.True(await api.Server.Get<IMailDirectory>().IsLocalDomainAsync(domain, CancellationToken.None));
    }

    [Fact]
    public async Task A_read_only_key_sees_pages_but_its_changes_are_403_and_a_write_only_key_sees_no_page()
    {
        await _client.SignInAsync(api.ReadKey);
        string csrf = await _client.CsrfOfPageAsync("/admin/users");
        string address = $"ro-{Guid.NewGuid():N}"[..11] + "@" + TestServer.Domain;

        var refused = await _client.PostAsync("/admin/users", csrf, ("address", address), ("password", AdminApiServerFixture.Password));

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains(AdminScopes.Write, await refused.Content.ReadAsStringAsync());
        Assert.Null(await api.Server.Get<IMailDirectory>().GetAccountAsync(address, CancellationToken.None));

        _client.ForgetCookies();
        await _client.SignInAsync(api.WriteKey);
        var page = await _client.GetAsync("/admin/users");
        Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
        Assert.Contains(AdminScopes.Read, await page.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task What_came_from_the_network_is_escaped_on_the_queue_and_trace_pages()
    {
        const string Script = "<script>alert(1)</script>";
        string id = (await api.EnqueueLaterAsync($"\"{Script}\"@evil.test")).MessageId;
        await api.Server.Get<IDeliveryLog>().RecordAsync(new DeliveryRecord(id, "someone@remote.test", DeliveryStatus.Deferred, 1,
            "451 <img src=x onerror=alert(2)> try later", DateTimeOffset.UtcNow), CancellationToken.None);
        await _client.SignInAsync(api.Key);

        string queue = await (await _client.GetAsync("/admin/queue")).Content.ReadAsStringAsync();
        string trace = await (await _client.GetAsync("/admin/trace?id=" + id)).Content.ReadAsStringAsync();
        var unknown = await _client.GetAsync("/admin/trace?id=" + Uri.EscapeDataString("\"><script>alert(3)</script>"));
        string unknownHtml = await unknown.Content.ReadAsStringAsync();

        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", queue);
        Assert.Contains("&lt;img src=x onerror=alert(2)&gt;", trace);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("&quot;&gt;&lt;script&gt;alert(3)", unknownHtml);
        foreach (string html in new[] { queue, trace, unknownHtml })
        {
            Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task Signing_out_ends_the_session_and_a_revoked_key_ends_its_sessions()
    {
        await _client.SignInAsync(api.Key);
        string session = _client.Cookie("cloudmail_session")!;
        string csrf = await _client.CsrfOfPageAsync("/admin");

        var signedOut = await _client.PostAsync("/admin/sign-out", csrf);

        Assert.Equal(HttpStatusCode.SeeOther, signedOut.StatusCode);
        Assert.Contains("Max-Age=0", Assert.Single(ConsoleClient.SetCookies(signedOut, "cloudmail_session")));
        var replayed = new HttpRequestMessage(HttpMethod.Get, "/admin");
        replayed.Headers.Add("Cookie", "cloudmail_session=" + session);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _client.Http.SendAsync(replayed)).StatusCode);

        string key = await api.NewKeyAsync(AdminScopes.Read);
        _client.ForgetCookies();
        await _client.SignInAsync(key);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/admin")).StatusCode);
        await api.Server.Get<IAdminKeyStore>().RevokeAsync(key.Split('_')[1], CancellationToken.None);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _client.GetAsync("/admin")).StatusCode);
    }

    [Fact]
    public async Task The_stylesheet_comes_from_the_binary_without_a_session()
    {
        var response = await _client.GetAsync("/admin/console.css");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/css", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("font", await response.Content.ReadAsStringAsync());
    }

    /// <summary>A well-formed token that this browser was never given.</summary>
    private static string ConsoleSessionsTokenOfAnotherBrowser() => CloudMail.AdminApi.WebConsole.ConsoleSessions.NewToken();
}
