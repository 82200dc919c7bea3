using CloudMail.Core.Caching;

namespace CloudMail.Core.Events;

/// <summary>
/// The subscriptions of each scope as <see cref="MailEventPublisher"/> reads them for every message: remembered for
/// <see cref="Duration"/> (subscriptions change rarely) in a bounded <see cref="TimedCache{T}"/> (an API key may send as
/// any address of its domain, each a scope); <see cref="WebhookAdministration"/> makes this process forget a scope it
/// changed, other processes see a change within that time. Thread-safe.
/// </summary>
public sealed class WebhookSubscriptionCache(IWebhookStore store, TimeProvider time, TimeSpan duration)
{
    private readonly TimedCache<IReadOnlyList<WebhookSubscription>> _scopes = new(time, duration);

    /// <summary>How long one scope's subscriptions are reused before they are read again; zero reads them every time.</summary>
    public TimeSpan Duration => _scopes.Duration;

    /// <summary>The subscriptions of <paramref name="scope"/>. Storage failures propagate.</summary>
    public async Task<IReadOnlyList<WebhookSubscription>> OfAsync(string scope, CancellationToken cancellationToken)
    {
        if (_scopes.TryGet(scope, out var cached)) return cached;
        IReadOnlyList<WebhookSubscription> fresh = await store.ListAsync(scope, cancellationToken).ConfigureAwait(false);
        _scopes.Put(scope, fresh);
        return fresh;
    }

    /// <summary>Forgets what is remembered of <paramref name="scope"/>, after a change.</summary>
    public void Forget(string scope) => _scopes.Forget(scope);
}
