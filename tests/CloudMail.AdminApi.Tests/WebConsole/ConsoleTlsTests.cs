using System.Net;
using CloudMail.Core.Admin;
using CloudMail.Core.Directory;
using CloudMail.Listener.Tests.Infrastructure;

namespace CloudMail.AdminApi.Tests.WebConsole;

/// <summary>The console served over TLS (<c>CloudMail:Http:Tls</c>, the development certificate): its cookies are marked Secure.</summary>
public sealed class ConsoleTlsTests
{
    [Fact]
    public async Task Over_tls_the_sign_in_and_session_cookies_are_Secure()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["CloudMail:Http:Tls"] = "true" });
        string key = (await server.Get<IAdminKeyStore>().CreateAsync([AdminScopes.Read], CancellationToken.None)).Key;
        var plain = AdminApiServerFixture.ClientFor(server).BaseAddress!;
        using var client = ConsoleClient.For(new UriBuilder(plain) { Scheme = "https" }.Uri, acceptAnyCertificate: true);

        var form = await client.GetAsync("/admin/sign-in");
        var signedIn = await client.PostAsync("/admin/sign-in", ConsoleClient.CsrfOf(await form.Content.ReadAsStringAsync()), ("key", key));

        Assert.Equal(HttpStatusCode.SeeOther, signedIn.StatusCode);
        Assert.EndsWith("; Secure", Assert.Single(ConsoleClient.SetCookies(form, "cloudmail_signin")));
        string session = Assert.Single(ConsoleClient.SetCookies(signedIn, "cloudmail_session"));
        Assert.Contains("; HttpOnly; SameSite=Strict; Secure", session);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/admin")).StatusCode);
    }
}
