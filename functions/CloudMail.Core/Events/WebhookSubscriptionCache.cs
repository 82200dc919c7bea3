using System.Collections.Concurrent;

namespace CloudMail.Core.Events;

/// <summary>
/// The subscriptions of each scope as <see cref="MailEventPublisher"/> reads them for every message: remembered for
/// <see cref="Duration"/> (subscriptions change rarely); <see cref="WebhookAdministration"/> makes this process forget a
/// scope it changed, other processes see a change within that time. Thread-safe.
/// </summary>
public sealed class WebhookSubscriptionCache(IWebhookStore store, TimeProvider time, TimeSpan duration)
{
    private readonly ConcurrentDictionary<string, (DateTimeOffset Until, IReadOnlyList<WebhookSubscription> Subscriptions)> _scopes = new(StringComparer.Ordinal);

    /// <summary>How long one scope's subscriptions are reused before they are read again; zero reads them every time.</summary>
    public TimeSpan Duration { get; } = duration;

    /// <summary>The subscriptions of <paramref name="scope"/>. Storage failures propagate.</summary>
    public async Task<IReadOnlyList<WebhookSubscription>> OfAsync(string scope, CancellationToken cancellationToken)
    {
        DateTimeOffset now = time.GetUtcNow();
        if (_scopes.TryGetValue(scope, out var cached) && cached.Until > now) return cached.Subscriptions;
        IReadOnlyList<WebhookSubscription> fresh = await store.ListAsync(scope, cancellationToken).ConfigureAwait(false);
        if (Duration > TimeSpan.Zero) _scopes[scope] = (now + Duration, fresh);
        return fresh;
    }

    /// <summary>Forgets what is remembered of <paramref name="scope"/>, after a change.</summary>
    public void Forget(string scope) => _scopes.TryRemove(scope, out _);
}
