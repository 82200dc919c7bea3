using CloudMail.Core.Directory;

namespace CloudMail.Core.Tests.Directory;

/// <summary>A directory of domains, accounts and aliases in memory (case-insensitive), for the resolver's rules.</summary>
internal sealed class InMemoryDirectory : IMailDirectory
{
    private readonly HashSet<string> _domains = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _accounts = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<Alias> _aliases = [];

    public InMemoryDirectory Domain(string domain) { _domains.Add(domain); return this; }

    public InMemoryDirectory User(string address) { _accounts.Add(address); return this; }

    public InMemoryDirectory AliasOf(string alias, string target) { _aliases.Add(new Alias(alias, target)); return this; }

    public Task<bool> IsLocalDomainAsync(string domain, CancellationToken cancellationToken) => Task.FromResult(_domains.Contains(domain));

    public Task<Account?> GetAccountAsync(string address, CancellationToken cancellationToken) =>
        Task.FromResult(_accounts.Contains(address) ? new Account(address.ToLowerInvariant(), "x", DateTimeOffset.UnixEpoch) : null);

    public Task<IReadOnlyList<string>> GetAliasTargetsAsync(string alias, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([.. _aliases.Where(a => a.Address.Equals(alias, StringComparison.OrdinalIgnoreCase)).Select(a => a.Target)]);

    public Task AddDomainAsync(string domain, CancellationToken cancellationToken) => Task.FromResult(_domains.Add(domain));
    public Task<bool> RemoveDomainAsync(string domain, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<IReadOnlyList<string>> ListDomainsAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<string>>([.. _domains]);
    public Task AddAccountAsync(string address, string passwordHash, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<bool> RemoveAccountAsync(string address, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<IReadOnlyList<Account>> ListAccountsAsync(string? domain, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task SetPasswordHashAsync(string address, string passwordHash, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task AddAliasAsync(string alias, string target, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<bool> RemoveAliasAsync(string alias, string? target, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<IReadOnlyList<Alias>> ListAliasesAsync(string? domain, CancellationToken cancellationToken) => throw new NotSupportedException();
}
