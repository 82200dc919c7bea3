using System.Text;
using System.Text.Json;
using CloudMail.Core.Directory;
using CloudMail.Listener.Tests.Infrastructure;

namespace CloudMail.Listener.Tests.Http;

/// <summary>
/// The send API's caps on request bytes in flight, on a server of its own with small caps (requests up to 64 KiB, 100 KiB
/// per API key, 150 KiB in all), driven by concurrent slow uploads from separate loopback addresses that hold their
/// requests open half-sent. A held request's declared length counts from the moment its handler starts reading the body,
/// which the server signals with <c>100 Continue</c>.
/// </summary>
public sealed class SendApiLimitsTests : IAsyncLifetime
{
    private const int KiB = 1024;
    private TestServer _server = null!;
    private int _port;
    private readonly string[] _keys = new string[3];
    private string _user = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["CloudMail:SendApi:MaxRequestSize"] = (64 * KiB).ToString(),
            ["CloudMail:SendApi:MaxMessageSize"] = (64 * KiB).ToString(),
            ["CloudMail:SendApi:MaxInFlightBytesPerKey"] = (100 * KiB).ToString(),
            ["CloudMail:SendApi:MaxInFlightBytes"] = (150 * KiB).ToString(),
            ["CloudMail:SendApi:InFlightRetryAfter"] = "00:00:03",
        });
        await _server.Get<IMailDirectory>().AddDomainAsync(TestServer.Domain, CancellationToken.None);
        for (int i = 0; i < _keys.Length; i++) _keys[i] = (await _server.Get<IApiKeyStore>().CreateAsync(TestServer.Domain, CancellationToken.None)).Key;
        _user = "limits-" + Guid.NewGuid().ToString("N")[..8] + "@" + TestServer.Domain;
        await _server.AddUserAsync(_user, SendApiServerFixture.Password);
        using var http = SendApiServerFixture.ClientFor(_server);
        _port = http.BaseAddress!.Port;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    /// <summary>A raw message of exactly <paramref name="size"/> bytes to the test user.</summary>
    private byte[] Raw(int size)
    {
        string head = $"From: app@example.test\r\nTo: {_user}\r\nSubject: sized\r\n\r\n";
        return Encoding.ASCII.GetBytes(head + new string('x', size - head.Length - 2) + "\r\n");
    }

    /// <summary>A JSON message of exactly <paramref name="size"/> bytes to the test user.</summary>
    private byte[] Json(int size)
    {
        string json = JsonSerializer.Serialize(new { from = "app@example.test", to = new[] { _user }, text = "x" });
        return Encoding.ASCII.GetBytes(json.PadRight(size));
    }

    /// <summary>Starts a POST from <paramref name="source"/> and returns it once the server reads its body (100 Continue), or its refusal.</summary>
    private async Task<(RawHttpClient Client, RawHttpResponse First)> StartAsync(string source, string key, string contentType, int length)
    {
        var client = await RawHttpClient.ConnectAsync(_port, source);
        await client.StartPostAsync(key, contentType, length);
        return (client, await client.ReadResponseAsync());
    }

    /// <summary>Sends the body of a request that got 100 Continue and returns the final response.</summary>
    private static async Task<RawHttpResponse> FinishAsync(RawHttpClient client, byte[] body)
    {
        await client.SendAsync(body);
        return await client.ReadResponseAsync();
    }

    [Fact]
    public async Task Slow_uploads_of_one_key_get_429_and_of_all_keys_503_with_retry_after_and_both_clear_when_the_uploads_end()
    {
        byte[] a = Raw(60 * KiB), c = Raw(60 * KiB);
        var (clientA, continueA) = await StartAsync("127.0.0.2", _keys[0], "message/rfc822", a.Length);
        Assert.Equal(100, continueA.Status);
        await clientA.SendAsync(a.AsMemory(0, 20 * KiB)); // a slow upload: part of the body, then nothing for now

        var (clientB, refusedB) = await StartAsync("127.0.0.3", _keys[0], "message/rfc822", 50 * KiB);
        Assert.Equal(429, refusedB.Status);
        Assert.Equal("3", refusedB.Headers["retry-after"]);
        Assert.Equal("application/problem+json", refusedB.Headers["content-type"]);
        Assert.Equal("urn:cloudmail:problem:too-many-requests", JsonDocument.Parse(refusedB.Body).RootElement.GetProperty("type").GetString());

        var (clientC, continueC) = await StartAsync("127.0.0.4", _keys[1], "message/rfc822", c.Length);
        Assert.Equal(100, continueC.Status); // another key has room of its own

        byte[] d = Json(40 * KiB);
        var (clientD, refusedD) = await StartAsync("127.0.0.5", _keys[2], "application/json", d.Length);
        Assert.Equal(503, refusedD.Status); // 60 + 60 + 40 KiB > 150 KiB in all
        Assert.Equal("3", refusedD.Headers["retry-after"]);
        Assert.Equal("urn:cloudmail:problem:busy", JsonDocument.Parse(refusedD.Body).RootElement.GetProperty("type").GetString());

        Assert.Equal(202, (await FinishAsync(clientA, a[(20 * KiB)..])).Status);
        var (retryD, continueD) = await StartAsync("127.0.0.5", _keys[2], "application/json", d.Length);
        Assert.Equal(100, continueD.Status);
        Assert.Equal(202, (await FinishAsync(retryD, d)).Status);
        var (retryB, continueB) = await StartAsync("127.0.0.3", _keys[0], "message/rfc822", 50 * KiB);
        Assert.Equal(100, continueB.Status);
        Assert.Equal(202, (await FinishAsync(retryB, Raw(50 * KiB))).Status);
        Assert.Equal(202, (await FinishAsync(clientC, c)).Status);

        foreach (var client in new[] { clientA, clientB, clientC, clientD, retryB, retryD }) await client.DisposeAsync();
    }
}
