using CloudMail.Core.Directory;

namespace CloudMail.Core.Tests.Directory;

/// <summary>A directory whose every operation throws <see cref="NotSupportedException"/>; test directories override what they answer.</summary>
internal abstract class UnsupportedDirectory : IMailDirectory
{
    public virtual Task AddDomainAsync(string domain, CancellationToken cancellationToken) => throw new NotSupportedException();
    public virtual Task<bool> RemoveDomainAsync(string domain, CancellationToken cancellationToken) => throw new NotSupportedException();
    public virtual Task<IReadOnlyList<string>> ListDomainsAsync(CancellationToken cancellationToken) => throw new NotSupportedException();
    public virtual Task<bool> IsLocalDomainAsync(string domain, CancellationToken cancellationToken) => throw new NotSupportedException();
    public virtual Task AddAccountAsync(string address, string passwordHash, CancellationToken cancellationToken) => throw new NotSupportedException();
    public virtual Task<bool> RemoveAccountAsync(string address, CancellationToken cancellationToken) => throw new NotSupportedException();
    public virtual Task<Account?> GetAccountAsync(string address, CancellationToken cancellationToken) => throw new NotSupportedException();
    public virtual Task<IReadOnlyList<Account>> ListAccountsAsync(string? domain, CancellationToken cancellationToken) => throw new NotSupportedException();
    public virtual Task SetPasswordHashAsync(string address, string passwordHash, CancellationToken cancellationToken) => throw new NotSupportedException();
    public virtual Task SetQuotaAsync(string address, AccountQuota quota, CancellationToken cancellationToken) => throw new NotSupportedException();
    public virtual Task SetDisabledAsync(string address, bool disabled, CancellationToken cancellationToken) => throw new NotSupportedException();
    public virtual Task AddAliasAsync(string alias, string target, CancellationToken cancellationToken) => throw new NotSupportedException();
    public virtual Task<bool> RemoveAliasAsync(string alias, string? target, CancellationToken cancellationToken) => throw new NotSupportedException();
    public virtual Task<IReadOnlyList<Alias>> ListAliasesAsync(string? domain, CancellationToken cancellationToken) => throw new NotSupportedException();
    public virtual Task<IReadOnlyList<string>> GetAliasTargetsAsync(string alias, CancellationToken cancellationToken) => throw new NotSupportedException();
}
