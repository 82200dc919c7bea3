using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CloudMail.Core.Directory;
using CloudMail.Listener.Http;
using CloudMail.Listener.Tests.Infrastructure;
using CloudMail.SendApi;
using Microsoft.Extensions.DependencyInjection;

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
            Assert.Equal(SendApiHttp.HealthBody, await http.GetStringAsync(SendApiHttp.HealthPath));
        }
        using var after = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await Assert.ThrowsAsync<HttpRequestException>(() => after.GetAsync($"http://127.0.0.1:{port}{SendApiHttp.HealthPath}"));
    }

    [Fact]
    public async Task A_raw_body_larger_than_the_buffering_threshold_is_written_to_storage_while_it_is_still_arriving()
    {
        // The embedded store keeps messages up to 256 KiB in memory and spills larger ones to a temp file in
        // messages/tmp: that file growing while half of a 2 MiB body is still unsent shows the body streams to storage.
        await using var server = await TestServer.StartAsync();
        await server.Get<IMailDirectory>().AddDomainAsync(TestServer.Domain, CancellationToken.None);
        string key = (await server.Get<IApiKeyStore>().CreateAsync(TestServer.Domain, CancellationToken.None)).Key;
        string user = "big@" + TestServer.Domain;
        await server.AddUserAsync(user, SendApiServerFixture.Password);
        using var http = SendApiServerFixture.ClientFor(server);
        string head = $"From: app@example.test\r\nTo: {user}\r\nSubject: big\r\n\r\n";
        byte[] body = Encoding.ASCII.GetBytes(head + string.Concat(Enumerable.Repeat(new string('x', 998) + "\r\n", 2048)));
        await using var client = await RawHttpClient.ConnectAsync(http.BaseAddress!.Port, "127.0.0.2");
        await client.StartPostAsync(key, "message/rfc822", body.Length);
        Assert.Equal(100, (await client.ReadResponseAsync()).Status);

        await client.SendAsync(body.AsMemory(0, body.Length / 2));

        string temp = Path.Combine(server.DataDirectory, "messages", "tmp");
        var deadline = DateTime.UtcNow.AddSeconds(10);
        long spilled = 0;
        while (spilled < 512 * 1024 && DateTime.UtcNow < deadline)
        {
            spilled = System.IO.Directory.Exists(temp) ? System.IO.Directory.GetFiles(temp).Sum(f => new FileInfo(f).Length) : 0;
            if (spilled < 512 * 1024) await Task.Delay(20);
        }
        Assert.True(spilled >= 512 * 1024, $"only {spilled} bytes reached storage while the first half of the body was sent");
        await client.SendAsync(body.AsMemory(body.Length / 2));
        Assert.Equal(202, (await client.ReadResponseAsync()).Status);
    }

    [Fact]
    public async Task With_an_outbound_transport_a_remote_recipient_is_accepted_and_delivered_by_the_embedded_worker()
    {
        var transport = new RecordingOutboundTransport();
        await using var server = await TestServer.StartAsync(services: s => s.AddSingleton<CloudMail.Core.Delivery.IOutboundTransport>(transport));
        await server.Get<IMailDirectory>().AddDomainAsync(TestServer.Domain, CancellationToken.None);
        string key = (await server.Get<IApiKeyStore>().CreateAsync(TestServer.Domain, CancellationToken.None)).Key;
        using var http = SendApiServerFixture.ClientFor(server);
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/messages")
        {
            Content = new StringContent("""{"from":"app@example.test","to":["someone@remote.example"],"text":"hi"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);

        var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        string id = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("messageId").GetString()!;
        var log = server.Get<CloudMail.Core.DeliveryLog.IDeliveryLog>();
        var deadline = DateTime.UtcNow.AddSeconds(15);
        CloudMail.Core.DeliveryLog.DeliveryRecord record;
        while ((record = Assert.Single(await log.GetAsync(id, CancellationToken.None))).Status != CloudMail.Core.DeliveryLog.DeliveryStatus.Delivered
            && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.Equal((CloudMail.Core.DeliveryLog.DeliveryStatus.Delivered, RecordingOutboundTransport.DeliveredReply), (record.Status, record.LastReply));
        Assert.Equal(["someone@remote.example"], transport.Recipients);
    }
}
