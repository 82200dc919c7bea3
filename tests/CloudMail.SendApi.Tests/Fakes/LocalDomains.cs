using CloudMail.Core.Directory;

namespace CloudMail.SendApi.Tests.Fakes;

/// <summary>A directory that knows which domains are local and which accounts exist (all the send API asks it); no aliases.</summary>
internal sealed class LocalDomains(params string[] domains) : IMailDirectory
{
    private readonly HashSet<string> _domains = new(domains, StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _accounts = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Makes <paramref name="address"/> an account.</summary>
    public void AddUser(string address) => _accounts.Add(address);

    public Task<bool> IsLocalDomainAsync(string domain, CancellationToken cancellationToken) => Task.FromResult(_domains.Contains(domain));

    public Task<bool> RemoveDomainAsync(string domain, CancellationToken cancellationToken) => Task.FromResult(_domains.Remove(domain));

    public Task AddDomainAsync(string domain, CancellationToken cancellationToken) => Task.FromResult(_domains.Add(domain));

    public Task<IReadOnlyList<string>> ListDomainsAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<string>>([.. _domains]);

    public Task AddAccountAsync(string address, string passwordHash, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<bool> RemoveAccountAsync(string address, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<Account?> GetAccountAsync(string address, CancellationToken cancellationToken) =>
        Task.FromResult(_accounts.Contains(address) ? new Account(address.ToLowerInvariant(), "x", DateTimeOffset.UnixEpoch) : null);
    public Task<IReadOnlyList<Account>> ListAccountsAsync(string? domain, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task SetPasswordHashAsync(string address, string passwordHash, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task SetQuotaAsync(string address, AccountQuota quota, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task SetDisabledAsync(string address, bool disabled, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task AddAliasAsync(string alias, string target, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<bool> RemoveAliasAsync(string alias, string? target, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<IReadOnlyList<Alias>> ListAliasesAsync(string? domain, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<IReadOnlyList<string>> GetAliasTargetsAsync(string alias, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<string>>([]);
}
