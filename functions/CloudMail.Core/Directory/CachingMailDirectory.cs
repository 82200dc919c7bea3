using System.Collections.Concurrent;

namespace CloudMail.Core.Directory;

/// <summary>
/// A short-lived cache in front of a directory for what every message and login asks: is this a local domain, this
/// account, these alias targets (<see cref="DirectoryCacheOptions.Duration"/>, a few seconds). Only answers that found
/// something are kept, so a domain, user or alias added anywhere takes effect at once; a change made through this
/// instance (password, quota, disabling, removal, alias edit) drops what it touched at once; a change made by another process (the CLI,
/// another replica) is seen within the duration. Bounded: over <see cref="DirectoryCacheOptions.MaxEntries"/> it starts
/// empty again.
/// </summary>
public sealed class CachingMailDirectory(IMailDirectory inner, DirectoryCacheOptions options, TimeProvider time) : IMailDirectory
{
    private readonly ConcurrentDictionary<string, (DateTimeOffset Expires, object Value)> _entries = new(StringComparer.OrdinalIgnoreCase);

    public IMailDirectory Inner { get; } = inner;

    public async Task<bool> IsLocalDomainAsync(string domain, CancellationToken cancellationToken)
    {
        if (TryGet("d:" + domain, out bool cached)) return cached;
        bool local = await Inner.IsLocalDomainAsync(domain, cancellationToken).ConfigureAwait(false);
        if (local) Put("d:" + domain, true);
        return local;
    }

    public async Task<Account?> GetAccountAsync(string address, CancellationToken cancellationToken)
    {
        if (TryGet("u:" + address, out Account? cached)) return cached;
        var account = await Inner.GetAccountAsync(address, cancellationToken).ConfigureAwait(false);
        if (account is not null) Put("u:" + address, account);
        return account;
    }

    public async Task<IReadOnlyList<string>> GetAliasTargetsAsync(string alias, CancellationToken cancellationToken)
    {
        if (TryGet("a:" + alias, out IReadOnlyList<string>? cached)) return cached!;
        var targets = await Inner.GetAliasTargetsAsync(alias, cancellationToken).ConfigureAwait(false);
        if (targets.Count > 0) Put("a:" + alias, targets);
        return targets;
    }

    public Task AddDomainAsync(string domain, CancellationToken cancellationToken) => Inner.AddDomainAsync(domain, cancellationToken);

    public async Task<bool> RemoveDomainAsync(string domain, CancellationToken cancellationToken)
    {
        bool removed = await Inner.RemoveDomainAsync(domain, cancellationToken).ConfigureAwait(false);
        _entries.Clear(); // a domain's accounts and aliases go with it
        return removed;
    }

    public Task<IReadOnlyList<string>> ListDomainsAsync(CancellationToken cancellationToken) => Inner.ListDomainsAsync(cancellationToken);

    public Task AddAccountAsync(string address, string passwordHash, CancellationToken cancellationToken) =>
        Inner.AddAccountAsync(address, passwordHash, cancellationToken);

    public async Task<bool> RemoveAccountAsync(string address, CancellationToken cancellationToken)
    {
        _entries.TryRemove("u:" + address, out _);
        bool removed = await Inner.RemoveAccountAsync(address, cancellationToken).ConfigureAwait(false);
        _entries.TryRemove("u:" + address, out _);
        return removed;
    }

    public Task<IReadOnlyList<Account>> ListAccountsAsync(string? domain, CancellationToken cancellationToken) => Inner.ListAccountsAsync(domain, cancellationToken);

    public async Task SetPasswordHashAsync(string address, string passwordHash, CancellationToken cancellationToken)
    {
        _entries.TryRemove("u:" + address, out _);
        await Inner.SetPasswordHashAsync(address, passwordHash, cancellationToken).ConfigureAwait(false);
        _entries.TryRemove("u:" + address, out _);
    }

    public async Task SetQuotaAsync(string address, AccountQuota quota, CancellationToken cancellationToken)
    {
        _entries.TryRemove("u:" + address, out _);
        await Inner.SetQuotaAsync(address, quota, cancellationToken).ConfigureAwait(false);
        _entries.TryRemove("u:" + address, out _);
    }

    public async Task SetDisabledAsync(string address, bool disabled, CancellationToken cancellationToken)
    {
        _entries.TryRemove("u:" + address, out _);
        await Inner.SetDisabledAsync(address, disabled, cancellationToken).ConfigureAwait(false);
        _entries.TryRemove("u:" + address, out _);
    }

    public async Task AddAliasAsync(string alias, string target, CancellationToken cancellationToken)
    {
        await Inner.AddAliasAsync(alias, target, cancellationToken).ConfigureAwait(false);
        _entries.TryRemove("a:" + alias, out _);
    }

    public async Task<bool> RemoveAliasAsync(string alias, string? target, CancellationToken cancellationToken)
    {
        _entries.TryRemove("a:" + alias, out _);
        bool removed = await Inner.RemoveAliasAsync(alias, target, cancellationToken).ConfigureAwait(false);
        _entries.TryRemove("a:" + alias, out _);
        return removed;
    }

    public Task<IReadOnlyList<Alias>> ListAliasesAsync(string? domain, CancellationToken cancellationToken) => Inner.ListAliasesAsync(domain, cancellationToken);

    private bool TryGet<T>(string key, out T? value)
    {
        value = default;
        if (!_entries.TryGetValue(key, out var entry)) return false;
        if (entry.Expires <= time.GetUtcNow())
        {
            _entries.TryRemove(key, out _);
            return false;
        }
        value = (T)entry.Value;
        return true;
    }

    private void Put(string key, object value)
    {
        if (_entries.Count >= options.MaxEntries) _entries.Clear();
        _entries[key] = (time.GetUtcNow() + options.Duration, value);
    }
}
