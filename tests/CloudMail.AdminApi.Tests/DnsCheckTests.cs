using System.Net;
using CloudMail.Core.Admin;
using CloudMail.Core.Directory;
using CloudMail.Listener.Tests.Infrastructure;
using static CloudMail.AdminApi.Tests.AdminApiServerFixture;

namespace CloudMail.AdminApi.Tests;

/// <summary>
/// <c>GET /domains/{name}/dns</c> against a real DNS server (dnsmasq on loopback, <c>CloudMail:Dns:Servers</c>) publishing
/// the MX record right, SPF wrong and nothing else: the same verdicts as <c>cloudmail dns check</c>.
/// </summary>
public sealed class DnsCheckTests : IAsyncLifetime
{
    private const string Domain = "dnscheck.test";

    private DnsmasqProcess _dns = null!;
    private TestServer _server = null!;
    private HttpClient _http = null!;
    private string _key = null!;

    public async Task InitializeAsync()
    {
        _dns = await DnsmasqProcess.StartAsync(
            DnsmasqProcess.Mx(Domain, TestServer.HostName),
            DnsmasqProcess.Txt(Domain, "v=spf1 a -all"));
        _server = await TestServer.StartAsync(new Dictionary<string, string?> { ["CloudMail:Dns:Servers:0"] = _dns.Endpoint });
        await _server.Get<IMailDirectory>().AddDomainAsync(Domain, CancellationToken.None);
        _key = (await _server.Get<IAdminKeyStore>().CreateAsync([AdminScopes.Read], CancellationToken.None)).Key;
        _http = ClientFor(_server);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        await _dns.DisposeAsync();
    }

    [Fact]
    public async Task Each_needed_record_is_judged_with_what_was_found_and_the_line_to_publish()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/admin/domains/{Domain}/dns");
        request.Headers.Authorization = new("Bearer", _key);

        var check = await JsonAsync(await _http.SendAsync(request), HttpStatusCode.OK);

        Assert.False(check.GetProperty("ok").GetBoolean());
        Assert.Equal(TestServer.HostName, check.GetProperty("hostName").GetString());
        var records = check.GetProperty("records").EnumerateArray().ToList();
        var mx = Assert.Single(records, r => r.GetProperty("type").GetString() == "mx");
        Assert.Equal("ok", mx.GetProperty("state").GetString());
        var spf = Assert.Single(records, r => r.GetProperty("name").GetString() == Domain && r.GetProperty("type").GetString() == "txt");
        Assert.Equal("wrong", spf.GetProperty("state").GetString());
        Assert.Equal(["v=spf1 a -all"], spf.GetProperty("found").EnumerateArray().Select(f => f.GetString()));
        var dmarc = Assert.Single(records, r => r.GetProperty("name").GetString() == "_dmarc." + Domain);
        Assert.Equal("missing", dmarc.GetProperty("state").GetString());
        Assert.StartsWith("_dmarc." + Domain, dmarc.GetProperty("publish").GetString());
    }

    [Fact]
    public async Task A_domain_that_is_not_local_is_404()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/admin/domains/elsewhere.test/dns");
        request.Headers.Authorization = new("Bearer", _key);

        await ProblemAsync(await _http.SendAsync(request), HttpStatusCode.NotFound);
    }
}
