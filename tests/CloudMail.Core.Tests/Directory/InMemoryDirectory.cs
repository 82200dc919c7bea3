using CloudMail.Core.Directory;

namespace CloudMail.Core.Tests.Directory;

/// <summary>A directory of domains, accounts and aliases in memory (case-insensitive), for the resolver's rules.</summary>
internal sealed class InMemoryDirectory : UnsupportedDirectory
{
    private readonly HashSet<string> _domains = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _accounts = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<Alias> _aliases = [];

    public InMemoryDirectory Domain(string domain) { _domains.Add(domain); return this; }

    public InMemoryDirectory User(string address) { _accounts.Add(address); return this; }

    public InMemoryDirectory AliasOf(string alias, string target) { _aliases.Add(new Alias(alias, target)); return this; }

    public override Task<bool> IsLocalDomainAsync(string domain, CancellationToken cancellationToken) => Task.FromResult(_domains.Contains(domain));

    public override Task<Account?> GetAccountAsync(string address, CancellationToken cancellationToken) =>
        Task.FromResult(_accounts.Contains(address) ? new Account(address.ToLowerInvariant(), "x", DateTimeOffset.UnixEpoch) : null);

    public override Task<IReadOnlyList<string>> GetAliasTargetsAsync(string alias, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([.. _aliases.Where(a => a.Address.Equals(alias, StringComparison.OrdinalIgnoreCase)).Select(a => a.Target)]);
}
