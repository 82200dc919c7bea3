using System.Net;
using System.Text;
using System.Xml.Linq;
using CloudMail.Delivery.MtaSts;
using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Infrastructure;

namespace CloudMail.Listener.Tests.Http;

/// <summary>
/// What clients and sending servers fetch over HTTP: the MTA-STS policy (parsed with the same parser CloudMail's own
/// outbound delivery uses), Thunderbird autoconfig (the fields Thunderbird reads) and Outlook autodiscover.
/// </summary>
[Collection(SendApiServerCollection.Name)]
public sealed class ClientSetupEndpointTests(SendApiServerFixture api)
{
    private static HttpRequestMessage Get(string path, string host) =>
        new(HttpMethod.Get, path) { Headers = { Host = host } };

    [Fact]
    public async Task The_mta_sts_policy_is_served_on_the_mta_sts_host_of_a_local_domain_only()
    {
        using var response = await api.Http.SendAsync(Get("/.well-known/mta-sts.txt", "mta-sts." + TestServer.Domain));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var policy = MtaStsPolicy.Parse(await response.Content.ReadAsStringAsync());
        Assert.NotNull(policy);
        Assert.Equal(MtaStsMode.Testing, policy.Mode);
        Assert.Equal([TestServer.HostName], policy.MxPatterns);
        Assert.Equal(TimeSpan.FromDays(7), policy.MaxAge);

        using var other = await api.Http.SendAsync(Get("/.well-known/mta-sts.txt", "mta-sts.elsewhere.test"));
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        using var bare = await api.Http.SendAsync(Get("/.well-known/mta-sts.txt", TestServer.Domain));
        Assert.Equal(HttpStatusCode.NotFound, bare.StatusCode);
    }

    [Theory]
    [InlineData("/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=someone%40example.test", "example.test")]
    [InlineData("/mail/config-v1.1.xml", "autoconfig.example.test")]
    public async Task Thunderbird_autoconfig_names_the_server_its_ports_and_tls_for_a_local_domain(string path, string host)
    {
        using var response = await api.Http.SendAsync(Get(path, host));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var config = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;
        Assert.Equal(("clientConfig", "1.1"), (config.Name.LocalName, config.Attribute("version")?.Value));
        var provider = config.Element("emailProvider")!;
        Assert.Equal(TestServer.Domain, provider.Attribute("id")?.Value);
        Assert.Equal(TestServer.Domain, provider.Element("domain")?.Value);
        var ports = api.Server.Get<EndpointListenerService>().BoundPorts;
        var servers = provider.Elements().Where(e => e.Name.LocalName is "incomingServer" or "outgoingServer")
            .Select(e => (Type: e.Attribute("type")!.Value, Host: e.Element("hostname")!.Value, Port: int.Parse(e.Element("port")!.Value),
                Socket: e.Element("socketType")!.Value, User: e.Element("username")!.Value, Auth: e.Element("authentication")!.Value))
            .ToList();
        Assert.Equal(("imap", TestServer.HostName, ports[EndpointKind.Imaps], "SSL"), (servers[0].Type, servers[0].Host, servers[0].Port, servers[0].Socket));
        Assert.Contains(("imap", TestServer.HostName, ports[EndpointKind.Imap], "STARTTLS"), servers.Select(s => (s.Type, s.Host, s.Port, s.Socket)));
        Assert.Contains(("pop3", TestServer.HostName, ports[EndpointKind.Pop3s], "SSL"), servers.Select(s => (s.Type, s.Host, s.Port, s.Socket)));
        Assert.Contains(("smtp", TestServer.HostName, ports[EndpointKind.Submissions], "SSL"), servers.Select(s => (s.Type, s.Host, s.Port, s.Socket)));
        Assert.Contains(("smtp", TestServer.HostName, ports[EndpointKind.Submission], "STARTTLS"), servers.Select(s => (s.Type, s.Host, s.Port, s.Socket)));
        Assert.All(servers, s => Assert.Equal(("%EMAILADDRESS%", "password-cleartext"), (s.User, s.Auth)));
        Assert.DoesNotContain(servers, s => s.Socket == "plain");
    }

    [Fact]
    public async Task Autoconfig_of_a_domain_that_is_not_served_here_is_404()
    {
        using var response = await api.Http.SendAsync(Get("/mail/config-v1.1.xml?emailaddress=a%40elsewhere.test", "autoconfig.elsewhere.test"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Outlook_autodiscover_answers_imap_and_smtp_settings_for_the_requested_address()
    {
        const string request = """
            <?xml version="1.0" encoding="utf-8"?>
            <Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">
              <Request>
                <EMailAddress>someone@example.test</EMailAddress>
                <AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema>
              </Request>
            </Autodiscover>
            """;
        using var response = await api.Http.PostAsync("/Autodiscover/Autodiscover.xml", new StringContent(request, Encoding.UTF8, "text/xml"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        XNamespace o = "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a";
        var account = XDocument.Parse(await response.Content.ReadAsStringAsync()).Descendants(o + "Account").Single();
        var protocols = account.Elements(o + "Protocol").ToDictionary(p => p.Element(o + "Type")!.Value);
        var ports = api.Server.Get<EndpointListenerService>().BoundPorts;
        Assert.Equal(TestServer.HostName, protocols["IMAP"].Element(o + "Server")!.Value);
        Assert.Equal(ports[EndpointKind.Imaps].ToString(), protocols["IMAP"].Element(o + "Port")!.Value);
        Assert.Equal(ports[EndpointKind.Submissions].ToString(), protocols["SMTP"].Element(o + "Port")!.Value);
        Assert.Equal("someone@example.test", protocols["SMTP"].Element(o + "LoginName")!.Value);
        Assert.Equal("on", protocols["IMAP"].Element(o + "SSL")!.Value);
    }

    [Theory]
    [InlineData("<!DOCTYPE x [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]><Autodiscover><Request><EMailAddress>&b;@example.test</EMailAddress></Request></Autodiscover>")]
    [InlineData("<Autodiscover><Request><EMailAddress>not an address</EMailAddress></Request></Autodiscover>")]
    [InlineData("<Autodiscover><Request>")]
    [InlineData("")]
    public async Task A_malformed_or_hostile_autodiscover_request_gets_404_and_the_endpoint_keeps_working(string body)
    {
        using var response = await api.Http.PostAsync("/autodiscover/autodiscover.xml", new StringContent(body, Encoding.UTF8, "text/xml"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var after = await api.Http.SendAsync(Get("/mail/config-v1.1.xml", "autoconfig.example.test"));
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    private static HttpRequestMessage AppleProfile(string? user, string? password)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/apple/mail.mobileconfig");
        if (user is not null)
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password)));
        return request;
    }

    // Python's plistlib, the parser of the property-list format Apple devices read: the profile must load and name the account.
    private const string ReadProfile = """
        import plistlib, sys, json
        p = plistlib.loads(sys.stdin.buffer.read() if len(sys.argv) < 2 else open(sys.argv[1], "rb").read())
        m = p["PayloadContent"][0]
        print(json.dumps([p["PayloadType"], p["PayloadVersion"], m["PayloadType"], m["EmailAccountType"], m["EmailAddress"],
            m["IncomingMailServerHostName"], m["IncomingMailServerPortNumber"], m["IncomingMailServerUseSSL"], m["IncomingMailServerUsername"],
            m["OutgoingMailServerHostName"], m["OutgoingMailServerPortNumber"], m["OutgoingMailServerUseSSL"], m["PayloadUUID"] != p["PayloadUUID"]]))
        """;

    [Fact]
    public async Task A_signed_in_user_downloads_an_apple_profile_that_plistlib_reads_and_others_get_401()
    {
        string user = await api.NewUserAsync("apple");

        using (var anonymous = await api.Http.SendAsync(AppleProfile(null, null)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Equal("Basic", anonymous.Headers.WwwAuthenticate.Single().Scheme);
        }
        using (var wrong = await api.Http.SendAsync(AppleProfile(user, "not the password")))
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);

        using var response = await api.Http.SendAsync(AppleProfile(user, SendApiServerFixture.Password));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-apple-aspen-config", response.Content.Headers.ContentType?.MediaType);
        string profile = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(SendApiServerFixture.Password, profile);
        string file = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".mobileconfig");
        await File.WriteAllTextAsync(file, profile);
        try
        {
            var ports = api.Server.Get<EndpointListenerService>().BoundPorts;
            string read = (await Python.RunAsync(ReadProfile, file)).Trim();
            Assert.Equal(System.Text.Json.JsonSerializer.Serialize(new object[]
            {
                "Configuration", 1, "com.apple.mail.managed", "EmailTypeIMAP", user, TestServer.HostName, ports[EndpointKind.Imaps], true, user,
                TestServer.HostName, ports[EndpointKind.Submissions], true, true,
            }).Replace(",", ", ").Replace(":", ": "), read);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
