using System.Net;
using System.Net.Http.Headers;
using CloudMail.Core.Events;
using Microsoft.Extensions.Options;

namespace CloudMail.Delivery.Webhooks;

/// <summary>
/// <see cref="IWebhookPoster"/> over one shared <see cref="HttpClient"/>: a POST with <c>Content-Type: application/json</c>,
/// the request's headers and <c>User-Agent: CloudMail-Webhooks/1</c>; no redirects followed (a 3xx is an answer); the
/// whole exchange bounded by <see cref="EventOptions.Timeout"/>. Timeouts, refused connections and TLS failures come
/// back as <see cref="WebhookResponse.Failure"/>; the receiver's <c>Retry-After</c> (seconds or a date) is passed on.
/// The response body is not read.
/// </summary>
public sealed class HttpWebhookPoster : IWebhookPoster, IDisposable
{
    private readonly HttpClient _client;
    private readonly IOptions<EventOptions> _options;
    private readonly TimeProvider _time;

    public HttpWebhookPoster(IOptions<EventOptions> options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _time = time ?? TimeProvider.System;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = options.Value.Timeout,
        };
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("CloudMail-Webhooks", "1"));
    }

    public async Task<WebhookResponse> PostAsync(WebhookRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var message = new HttpRequestMessage(HttpMethod.Post, request.Url) { Content = new ByteArrayContent(request.Body) };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        foreach (var (name, value) in request.Headers) message.Headers.TryAddWithoutValidation(name, value);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Value.Timeout);
        try
        {
            using HttpResponseMessage response = await _client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            return new WebhookResponse.Answered((int)response.StatusCode, RetryAfter(response.Headers.RetryAfter));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new WebhookResponse.Failure($"no answer within {_options.Value.Timeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException e)
        {
            return new WebhookResponse.Failure(e.HttpRequestError + ": " + e.Message);
        }
    }

    private TimeSpan? RetryAfter(RetryConditionHeaderValue? header)
    {
        if (header?.Delta is TimeSpan delta) return delta;
        if (header?.Date is DateTimeOffset date) return date > _time.GetUtcNow() ? date - _time.GetUtcNow() : TimeSpan.Zero;
        return null;
    }

    public void Dispose() => _client.Dispose();
}
