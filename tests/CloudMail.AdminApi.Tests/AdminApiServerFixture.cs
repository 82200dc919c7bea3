using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CloudMail.Core.Admin;
using CloudMail.Core.Blobs;
using CloudMail.Core.Directory;
using CloudMail.Core.Messages;
using CloudMail.Core.Queue;
using CloudMail.Listener.Tests.Infrastructure;

namespace CloudMail.AdminApi.Tests;

/// <summary>
/// One real embedded server (<see cref="TestServer"/>) for the admin API tests, with the local domain example.test, admin
/// keys of each scope set, and an HttpClient on the bound HTTP port (read from listening-http.json, as a script would).
/// Tests use names of their own so they do not see each other's entries.
/// </summary>
public sealed class AdminApiServerFixture : IAsyncLifetime
{
    public const string Password = "correct horse battery";

    public TestServer Server { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    /// <summary>A key with admin:read and admin:write.</summary>
    public string Key { get; private set; } = null!;

    public string ReadKey { get; private set; } = null!;

    public string WriteKey { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await TestServer.StartAsync(new Dictionary<string, string?> { ["CloudMail:Auth:MaxFailuresPerAccountAddress"] = "1000", ["CloudMail:Auth:MaxFailedAccountsPerAddress"] = "1000" });
        await Server.Get<IMailDirectory>().AddDomainAsync(TestServer.Domain, CancellationToken.None);
        Key = await NewKeyAsync(AdminScopes.Read, AdminScopes.Write);
        ReadKey = await NewKeyAsync(AdminScopes.Read);
        WriteKey = await NewKeyAsync(AdminScopes.Write);
        Http = ClientFor(Server);
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
    }

    public async Task<string> NewKeyAsync(params string[] scopes) => (await Server.Get<IAdminKeyStore>().CreateAsync(scopes, CancellationToken.None)).Key;

    /// <summary>
    /// Puts an outbound job in the server's queue, due in an hour (no worker takes it before), from <paramref name="mailFrom"/>
    /// (a sender of the local domain by default), and returns it.
    /// </summary>
    public async Task<MailJob> EnqueueLaterAsync(string? mailFrom = null)
    {
        string id = MessageIds.New();
        var envelope = new Envelope(mailFrom ?? "sender@" + TestServer.Domain, ["someone@remote.test"], null, "192.0.2.1", "client.test", DateTimeOffset.UtcNow);
        var job = new MailJob(id, id, new BlobRef(id, 10, new string('0', 64)), envelope);
        await Server.Get<IMailQueue>().EnqueueAsync(QueueNames.Outbound, job, DateTimeOffset.UtcNow.AddHours(1), CancellationToken.None);
        return job;
    }

    /// <summary>A client on the server's HTTP port.</summary>
    public static HttpClient ClientFor(TestServer server)
    {
        using var file = JsonDocument.Parse(File.ReadAllText(Path.Combine(server.DataDirectory, "listening-http.json")));
        int port = file.RootElement.GetProperty("http").GetInt32();
        return new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>A fresh name under <paramref name="suffix"/>: <c>prefix-1a2b3c4d.suffix</c>.</summary>
    public static string Unique(string prefix, string suffix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)] + "." + suffix;

    /// <summary>Sends <paramref name="method"/> <paramref name="path"/> with the read-write key (or <paramref name="key"/>; "" for none) and a JSON body.</summary>
    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body = null, string? key = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (key != "") request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key ?? Key);
        if (body is not null) request.Content = new StringContent(body as string ?? JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        return Http.SendAsync(request);
    }

    /// <summary>The JSON body of a response with status <paramref name="expected"/>.</summary>
    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(text).RootElement;
    }

    /// <summary>The RFC 7807 body of a response with status <paramref name="expected"/>.</summary>
    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        Assert.StartsWith("urn:cloudmail:problem:", problem.GetProperty("type").GetString());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        return problem;
    }

    /// <summary>Every item of a list endpoint, following next links with <paramref name="limit"/> per page.</summary>
    public async Task<List<JsonElement>> ListAllAsync(string path, int limit, List<int>? pageSizes = null)
    {
        var items = new List<JsonElement>();
        string? next = path + (path.Contains('?') ? "&" : "?") + "limit=" + limit;
        while (next is not null)
        {
            var page = await JsonAsync(await SendAsync(HttpMethod.Get, next), HttpStatusCode.OK);
            var pageItems = page.GetProperty("items").EnumerateArray().ToList();
            pageSizes?.Add(pageItems.Count);
            items.AddRange(pageItems);
            next = page.GetProperty("next").GetString();
        }
        return items;
    }
}

[CollectionDefinition(Name)]
public sealed class AdminApiServerCollection : ICollectionFixture<AdminApiServerFixture>
{
    public const string Name = "Admin API server";
}
