using System.Security.Cryptography;
using CloudMail.Core.Directory;
using CloudMail.Core.Messages;

namespace CloudMail.Core.Events;

/// <summary>
/// Adds, removes and lists webhook subscriptions for the CLI (<c>cloudmail webhook</c>) and any other admin surface,
/// checking the input: the URL must be absolute http or https, the scope a local domain or an address in one, the
/// event list non-empty. Invalid input throws <see cref="ArgumentException"/> with a one-line message and changes
/// nothing. Makes the id and the secret, and tells the in-process <see cref="WebhookSubscriptionCache"/> to forget the scope.
/// </summary>
public sealed class WebhookAdministration(IWebhookStore store, IMailDirectory directory, WebhookSubscriptionCache cache, TimeProvider time)
{
    /// <summary>Prefix of every secret, so a leaked one is recognisable.</summary>
    public const string SecretPrefix = "whsec_";

    /// <summary>Adds a subscription of <paramref name="scope"/> to <paramref name="events"/> at <paramref name="url"/>; returns it with its secret.</summary>
    public async Task<WebhookSubscription> AddAsync(string url, string? scope, IReadOnlyList<MailEventType> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? parsed) || parsed.Scheme is not ("http" or "https") || parsed.Host.Length == 0)
            throw new ArgumentException($"{url} is not an absolute http or https URL", nameof(url));
        if (events.Count == 0) throw new ArgumentException("no events given", nameof(events));
        string key = await CheckedScopeAsync(scope, cancellationToken).ConfigureAwait(false);
        var subscription = new WebhookSubscription("wh_" + RandomToken(12), key, parsed.AbsoluteUri, SecretPrefix + RandomToken(32),
            [.. MailEventTypes.All.Where(events.Contains)], time.GetUtcNow());
        if (!await store.AddAsync(subscription, cancellationToken).ConfigureAwait(false))
            throw new InvalidOperationException($"webhook id {subscription.Id} exists already");
        cache.Forget(key);
        return subscription;
    }

    /// <summary>Removes the subscription <paramref name="id"/>; false when there was none.</summary>
    public async Task<bool> RemoveAsync(string id, CancellationToken cancellationToken)
    {
        WebhookSubscription? existing = await store.GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (existing is null) return false;
        bool removed = await store.RemoveAsync(id, cancellationToken).ConfigureAwait(false);
        cache.Forget(existing.Scope);
        return removed;
    }

    /// <summary>The subscriptions of one scope, or of every scope when <paramref name="scope"/> is null.</summary>
    public async Task<IReadOnlyList<WebhookSubscription>> ListAsync(string? scope, CancellationToken cancellationToken) =>
        scope is null
            ? await store.ListAllAsync(cancellationToken).ConfigureAwait(false)
            : await store.ListAsync(WebhookScope.Normalize(scope), cancellationToken).ConfigureAwait(false);

    private async Task<string> CheckedScopeAsync(string? scope, CancellationToken cancellationToken)
    {
        string key = WebhookScope.Normalize(scope);
        string domain = key.Contains('@') ? MailAddresses.DomainOf(key) : key;
        bool plausible = key.Contains('@') ? MailAddresses.IsPlausible(key) : key.Length > 0;
        if (!plausible || domain.Length == 0 || !await directory.IsLocalDomainAsync(domain, cancellationToken).ConfigureAwait(false))
            throw new ArgumentException($"{(key.Length == 0 ? "(none)" : key)} is not a local domain or an address in one", nameof(scope));
        return key;
    }

    /// <summary><paramref name="bytes"/> random bytes as lower-case hex.</summary>
    private static string RandomToken(int bytes) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));
}
