using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Messaging;
using Azure.Messaging.EventGrid;
using CloudMail.Core.Events;
using Microsoft.Extensions.Options;

namespace CloudMail.Storage.Azure.EventGrid;

/// <summary>
/// <see cref="IEventGridSender"/> over the SDK's <see cref="EventGridPublisherClient"/>: one CloudEvent per call (POST of
/// <c>application/cloudevents-batch+json</c> to the topic endpoint with an Entra ID bearer token for
/// <c>https://eventgrid.azure.net/.default</c>). The SDK does not retry (<c>MaxRetries = 0</c>): the event stage's
/// queue retries with the pipeline's backoff, as for webhooks. Each call is bounded by <see cref="EventOptions.Timeout"/>.
/// An HTTP error comes back as <see cref="WebhookResponse.Answered"/> with its status and <c>Retry-After</c>; no
/// answer, a timeout or a token failure as <see cref="WebhookResponse.Failure"/>.
/// </summary>
public sealed class EventGridSender : IEventGridSender
{
    private readonly EventGridPublisherClient _client;
    private readonly string _source;
    private readonly TimeSpan _timeout;

    /// <param name="options">The topic (<see cref="EventGridOptions.Endpoint"/> must be set).</param>
    /// <param name="eventOptions">The per-call timeout.</param>
    /// <param name="connection">The credential, and a transport in tests (null = the SDK's).</param>
    public EventGridSender(IOptions<EventGridOptions> options, IOptions<EventOptions> eventOptions, EventGridConnection connection)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(eventOptions);
        ArgumentNullException.ThrowIfNull(connection);
        if (!options.Value.Enabled) throw new InvalidOperationException($"{EventGridOptions.Section}:Endpoint is not set.");
        _source = options.Value.Source;
        _timeout = eventOptions.Value.Timeout;
        var clientOptions = new EventGridPublisherClientOptions();
        clientOptions.Retry.MaxRetries = 0;
        clientOptions.Retry.NetworkTimeout = _timeout;
        clientOptions.Diagnostics.IsLoggingContentEnabled = false;
        if (connection.Transport is not null) clientOptions.Transport = connection.Transport;
        _client = new EventGridPublisherClient(new Uri(options.Value.Endpoint!.Trim()), connection.Credential, clientOptions);
    }

    public async Task<WebhookResponse> SendAsync(MailCloudEvent cloudEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cloudEvent);
        var sdkEvent = new CloudEvent(_source, cloudEvent.Type, BinaryData.FromBytes(cloudEvent.Data), "application/json", CloudEventDataFormat.Json)
        {
            Id = cloudEvent.Id,
            Subject = cloudEvent.Subject,
            Time = cloudEvent.Time,
        };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            Response response = await _client.SendEventAsync(sdkEvent, timeout.Token).ConfigureAwait(false);
            return new WebhookResponse.Answered(response.Status, null);
        }
        catch (RequestFailedException e) when (e.Status != 0)
        {
            return new WebhookResponse.Answered(e.Status, RetryAfter(e.GetRawResponse()));
        }
        catch (RequestFailedException e)
        {
            return new WebhookResponse.Failure("no answer: " + (e.InnerException?.Message ?? e.Message));
        }
        catch (global::Azure.Identity.AuthenticationFailedException e)
        {
            return new WebhookResponse.Failure("no token for Event Grid: " + e.Message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new WebhookResponse.Failure($"no answer within {_timeout.TotalSeconds:0.#} s");
        }
    }

    private static TimeSpan? RetryAfter(Response? response)
    {
        if (response is null || !response.Headers.TryGetValue("Retry-After", out string? value)) return null;
        if (int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int seconds)) return TimeSpan.FromSeconds(seconds);
        return DateTimeOffset.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out DateTimeOffset date)
            ? (date > DateTimeOffset.UtcNow ? date - DateTimeOffset.UtcNow : TimeSpan.Zero)
            : null;
    }
}

/// <summary>
/// How <see cref="EventGridSender"/> reaches the topic: the <paramref name="Credential"/> (the managed identity; tests
/// register a stub) and an optional <paramref name="Transport"/> (tests: one that trusts the stand-in receiver's certificate).
/// </summary>
public sealed record EventGridConnection(TokenCredential Credential, HttpPipelineTransport? Transport = null);
