using System.Collections.Concurrent;
using CloudMail.Core.Events;

namespace CloudMail.Core.Tests.Events;

/// <summary>An in-memory <see cref="IWebhookStore"/> (our seam) that counts scope reads.</summary>
internal sealed class InMemoryWebhookStore : IWebhookStore
{
    private readonly ConcurrentDictionary<string, WebhookSubscription> _byId = new(StringComparer.Ordinal);

    public int ScopeReads;

    public Task<bool> AddAsync(WebhookSubscription subscription, CancellationToken cancellationToken) =>
        Task.FromResult(_byId.TryAdd(subscription.Id, subscription));

    public Task<bool> RemoveAsync(string id, CancellationToken cancellationToken) => Task.FromResult(_byId.TryRemove(id, out _));

    public Task<WebhookSubscription?> GetAsync(string id, CancellationToken cancellationToken) => Task.FromResult(_byId.GetValueOrDefault(id));

    public Task<IReadOnlyList<WebhookSubscription>> ListAsync(string scope, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref ScopeReads);
        return Task.FromResult<IReadOnlyList<WebhookSubscription>>([.. _byId.Values.Where(s => s.Scope == scope).OrderBy(s => s.Id, StringComparer.Ordinal)]);
    }

    public Task<IReadOnlyList<WebhookSubscription>> ListAllAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<WebhookSubscription>>([.. _byId.Values.OrderBy(s => s.Scope, StringComparer.Ordinal).ThenBy(s => s.Id, StringComparer.Ordinal)]);
}
