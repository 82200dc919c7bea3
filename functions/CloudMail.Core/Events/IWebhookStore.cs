namespace CloudMail.Core.Events;

/// <summary>
/// Webhook subscriptions (<see cref="WebhookSubscription"/>), keyed by id and read per scope. Scopes arrive canonical
/// (<see cref="WebhookScope.Normalize"/>). Embedded: a table of mail.db. Azure: a Table, partition = scope.
/// </summary>
public interface IWebhookStore
{
    /// <summary>Adds the subscription; false (and nothing changed) when its id exists already.</summary>
    Task<bool> AddAsync(WebhookSubscription subscription, CancellationToken cancellationToken);

    /// <summary>Removes the subscription with <paramref name="id"/>; false when there was none.</summary>
    Task<bool> RemoveAsync(string id, CancellationToken cancellationToken);

    /// <summary>The subscription with <paramref name="id"/>, or null.</summary>
    Task<WebhookSubscription?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>The subscriptions of one scope, sorted by id (ordinal).</summary>
    Task<IReadOnlyList<WebhookSubscription>> ListAsync(string scope, CancellationToken cancellationToken);

    /// <summary>Every subscription, sorted by scope then id (ordinal). An admin operation: it may scan.</summary>
    Task<IReadOnlyList<WebhookSubscription>> ListAllAsync(CancellationToken cancellationToken);
}
