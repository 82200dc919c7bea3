using CloudMail.Core.Dkim;

namespace CloudMail.Core.Tests.Dkim;

/// <summary>A list-backed <see cref="IDkimKeyStore"/> for signer tests (the real stores have the contract suite).</summary>
internal sealed class InMemoryDkimKeyStore : IDkimKeyStore
{
    private readonly List<DkimKey> _keys = [];

    public int ActiveLookups { get; private set; }

    public Task AddAsync(DkimKey key, CancellationToken cancellationToken)
    {
        _keys.Add(key);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<DkimKey>> ListAsync(string domain, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<DkimKey>>(_keys.FindAll(k => k.Domain == domain));

    public Task<IReadOnlyList<DkimKey>> ActiveKeysAsync(string domain, CancellationToken cancellationToken)
    {
        ActiveLookups++;
        return Task.FromResult<IReadOnlyList<DkimKey>>([.. _keys.Where(k => k.Domain == domain && k.Active).OrderByDescending(k => k.CreatedAt)]);
    }

    public Task<bool> DeactivateAsync(string domain, string selector, CancellationToken cancellationToken)
    {
        int i = _keys.FindIndex(k => k.Domain == domain && k.Selector == selector);
        if (i >= 0) _keys[i] = _keys[i] with { Active = false };
        return Task.FromResult(i >= 0);
    }

    public Task<bool> RemoveAsync(string domain, string selector, CancellationToken cancellationToken) =>
        Task.FromResult(_keys.RemoveAll(k => k.Domain == domain && k.Selector == selector) > 0);
}
