using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CloudMail.Core.Directory;
using CloudMail.Listener.Http;
using CloudMail.Listener.Tests.Infrastructure;

namespace CloudMail.Listener.Tests.Http;

/// <summary>Settings of the HTTP endpoint, each on a server of its own.</summary>
public sealed class HttpEndpointTests
{
    [Fact]
    public async Task A_body_over_the_request_limit_is_413_before_anything_is_stored()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["CloudMail:SendApi:MaxRequestSize"] = "2000" });
        await server.Get<IMailDirectory>().AddDomainAsync(TestServer.Domain, CancellationToken.None);
        string key = (await server.Get<IApiKeyStore>().CreateAsync(TestServer.Domain, CancellationToken.None)).Key;
        using var http = SendApiServerFixture.ClientFor(server);
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/messages")
        {
            Content = new StringContent($$"""{"from":"a@example.test","to":["b@example.test"],"text":"{{new string('x', 5000)}}"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var problem = await SendApiEndToEndTests.ProblemAsync(await http.SendAsync(request), HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("2000 bytes", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Port_minus_one_disables_http_and_writes_no_port_file()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["CloudMail:Ports:Http"] = "-1" });
        Assert.Null(server.Get<HttpApiHostedService>().BoundPort);
        Assert.False(File.Exists(Path.Combine(server.DataDirectory, HttpApiHostedService.ListeningFileName)));
    }

    [Fact]
    public async Task Port_zero_binds_a_free_port_and_stopping_the_server_closes_it()
    {
        int port;
        await using (var server = await TestServer.StartAsync())
        {
            port = server.Get<HttpApiHostedService>().BoundPort!.Value;
            Assert.NotEqual(0, port);
            using var http = SendApiServerFixture.ClientFor(server);
            Assert.Equal(port, http.BaseAddress!.Port);
            Assert.Equal("ok\n", await http.GetStringAsync("/healthz"));
        }
        using var after = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await Assert.ThrowsAsync<HttpRequestException>(() => after.GetAsync($"http://127.0.0.1:{port}/healthz"));
    }
}
