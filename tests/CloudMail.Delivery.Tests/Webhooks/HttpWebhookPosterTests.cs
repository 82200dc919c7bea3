using System.Net;
using System.Net.Sockets;
using System.Text;
using CloudMail.Core.Events;
using CloudMail.Delivery.Webhooks;
using Microsoft.Extensions.Options;

namespace CloudMail.Delivery.Tests.Webhooks;

/// <summary>
/// <see cref="HttpWebhookPoster"/> against a real socket on loopback that speaks just enough HTTP/1.1: what goes on the
/// wire, and how answers, silence and refused connections come back.
/// </summary>
public sealed class HttpWebhookPosterTests : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    /// <summary>Patient enough that a first request (connection set-up and JIT on a loaded CI machine) is never cut off.</summary>
    private readonly HttpWebhookPoster _poster = new(Options.Create(new EventOptions { Timeout = TimeSpan.FromSeconds(15) }));

    /// <summary>Gives up quickly: only for the receiver that never answers.</summary>
    private readonly HttpWebhookPoster _impatient = new(Options.Create(new EventOptions { Timeout = TimeSpan.FromMilliseconds(500) }));

    public HttpWebhookPosterTests() => _listener.Start();

    private Uri Url => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/hooks?token=x");

    private static WebhookRequest Request(Uri url) =>
        new(url, [new("CloudMail-Event", "message.received"), new("CloudMail-Signature", "t=1,v1=ab")], Encoding.UTF8.GetBytes("""{"id":"evt_1"}"""));

    /// <summary>
    /// Accepts one connection, reads the request (headers and the body by Content-Length) and answers
    /// <paramref name="response"/>; null: holds the connection without an answer until <paramref name="hangUp"/> completes.
    /// </summary>
    private async Task<string> ServeOnceAsync(string? response, Task? hangUp = null)
    {
        using TcpClient client = await _listener.AcceptTcpClientAsync();
        NetworkStream stream = client.GetStream();
        var received = new StringBuilder();
        var buffer = new byte[4096];
        while (true)
        {
            int n = await stream.ReadAsync(buffer);
            if (n == 0) break;
            received.Append(Encoding.UTF8.GetString(buffer, 0, n));
            string text = received.ToString();
            int end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end < 0) continue;
            string lengthLine = text[..end].Split("\r\n").First(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
            if (text.Length - end - 4 >= int.Parse(lengthLine.Split(':')[1].Trim(), System.Globalization.CultureInfo.InvariantCulture)) break;
        }
        if (response is null) await (hangUp ?? Task.CompletedTask);
        else await stream.WriteAsync(Encoding.ASCII.GetBytes(response));
        return received.ToString();
    }

    [Fact]
    public async Task A_POST_carries_the_json_body_and_the_event_headers_and_the_status_comes_back()
    {
        Task<string> server = ServeOnceAsync("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n");

        WebhookResponse response = await _poster.PostAsync(Request(Url), CancellationToken.None);

        Assert.Equal(new WebhookResponse.Answered(204, null), response);
        string request = await server;
        Assert.StartsWith("POST /hooks?token=x HTTP/1.1\r\n", request, StringComparison.Ordinal);
        Assert.Contains("Content-Type: application/json; charset=utf-8\r\n", request, StringComparison.Ordinal);
        Assert.Contains("CloudMail-Event: message.received\r\n", request, StringComparison.Ordinal);
        Assert.Contains("CloudMail-Signature: t=1,v1=ab\r\n", request, StringComparison.Ordinal);
        Assert.Contains("User-Agent: CloudMail-Webhooks/1\r\n", request, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\n{\"id\":\"evt_1\"}", request, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Retry_After_in_seconds_is_passed_on_and_a_redirect_is_an_answer_not_followed()
    {
        Task<string> first = ServeOnceAsync("HTTP/1.1 429 Too Many Requests\r\nRetry-After: 120\r\nContent-Length: 0\r\n\r\n");
        Assert.Equal(new WebhookResponse.Answered(429, TimeSpan.FromSeconds(120)), await _poster.PostAsync(Request(Url), CancellationToken.None));
        await first;

        Task<string> second = ServeOnceAsync("HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:1/elsewhere\r\nContent-Length: 0\r\n\r\n");
        Assert.Equal(new WebhookResponse.Answered(302, null), await _poster.PostAsync(Request(Url), CancellationToken.None));
        await second;
    }

    [Fact]
    public async Task A_receiver_that_never_answers_is_a_timeout_failure()
    {
        // The receiver keeps the connection open until the poster has given up: a hang-up would be another failure.
        var hangUp = new TaskCompletionSource();
        Task<string> server = ServeOnceAsync(null, hangUp.Task);

        WebhookResponse response;
        try
        {
            response = await _impatient.PostAsync(Request(Url), CancellationToken.None);
        }
        finally
        {
            hangUp.SetResult();
        }

        var failure = Assert.IsType<WebhookResponse.Failure>(response);
        Assert.Contains("no answer within", failure.Reason, StringComparison.Ordinal);
        await server;
    }

    [Fact]
    public async Task A_refused_connection_is_a_failure_not_an_exception()
    {
        var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        int port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();

        Assert.IsType<WebhookResponse.Failure>(await _poster.PostAsync(Request(new Uri($"http://127.0.0.1:{port}/")), CancellationToken.None));
    }

    public void Dispose()
    {
        _listener.Stop();
        _poster.Dispose();
        _impatient.Dispose();
    }
}
