using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CloudMail.Listener.Tests.Infrastructure;

/// <summary>
/// A real HTTP receiver for webhook tests: a minimal Kestrel app on 127.0.0.1 (port 0) that records every request
/// (headers and body) and answers with the next scripted status, else 200.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<ReceivedPost> _posts = [];
    private readonly Queue<int> _script = new();

    private WebhookReceiver(WebApplication app) => _app = app;

    /// <summary>One request as received.</summary>
    public sealed record ReceivedPost(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, byte[] Body, int Answered)
    {
        public string Header(string name) => Headers.TryGetValue(name, out string? value) ? value : "";
    }

    /// <summary>The URL to subscribe (a path and a query of its own, as real receivers often have).</summary>
    public string Url { get; private set; } = "";

    /// <summary>Every request so far, oldest first.</summary>
    public IReadOnlyList<ReceivedPost> Posts
    {
        get { lock (_posts) return [.. _posts]; }
    }

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        WebhookReceiver? receiver = null;
        var app = builder.Build();
        app.Run(context => receiver!.HandleAsync(context));
        receiver = new WebhookReceiver(app);
        await app.StartAsync();
        receiver.Url = app.Urls.Single().TrimEnd('/') + "/hooks/mail?token=receiver-token";
        return receiver;
    }

    /// <summary>Answers the next requests with <paramref name="statuses"/>, in order.</summary>
    public void Answer(params int[] statuses)
    {
        lock (_script) foreach (int s in statuses) _script.Enqueue(s);
    }

    /// <summary>Waits (15 s at most) until <paramref name="count"/> requests have come; returns them.</summary>
    public async Task<IReadOnlyList<ReceivedPost>> WaitForAsync(int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (Posts.Count < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the receiver got {Posts.Count} request(s), not {count}");
            await Task.Delay(50);
        }
        return Posts;
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        int status;
        lock (_script) status = _script.TryDequeue(out int s) ? s : 200;
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        lock (_posts) _posts.Add(new ReceivedPost(context.Request.Method, context.Request.Path + context.Request.QueryString, headers, body.ToArray(), status));
        context.Response.StatusCode = status;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
