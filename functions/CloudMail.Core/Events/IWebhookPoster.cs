namespace CloudMail.Core.Events;

/// <summary>
/// Sends one webhook request (<see cref="EventStage"/>). The HTTP implementation lives in CloudMail.Delivery
/// (<c>HttpWebhookPoster</c>, registered by <c>AddCloudMailDelivery</c>); Core decides what each answer means.
/// </summary>
public interface IWebhookPoster
{
    /// <summary>
    /// POSTs <paramref name="request"/>. Never throws for what the network or the receiver did (timeouts, refused
    /// connections, TLS failures come back as <see cref="WebhookResponse.Failure"/>); only a cancellation of
    /// <paramref name="cancellationToken"/> propagates.
    /// </summary>
    Task<WebhookResponse> PostAsync(WebhookRequest request, CancellationToken cancellationToken);
}

/// <summary>One POST: JSON <paramref name="Body"/> to <paramref name="Url"/> with the CloudMail headers.</summary>
public sealed record WebhookRequest(Uri Url, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body);

/// <summary>What the receiver answered.</summary>
public abstract record WebhookResponse
{
    private WebhookResponse() { }

    /// <summary>An HTTP answer: <paramref name="Status"/>, and <paramref name="RetryAfter"/> when the receiver sent one.</summary>
    public sealed record Answered(int Status, TimeSpan? RetryAfter) : WebhookResponse;

    /// <summary>No HTTP answer (timeout, connection or TLS failure): <paramref name="Reason"/> says which.</summary>
    public sealed record Failure(string Reason) : WebhookResponse;
}
