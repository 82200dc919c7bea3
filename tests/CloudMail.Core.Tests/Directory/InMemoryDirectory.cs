using CloudMail.Core.Directory;

namespace CloudMail.Core.Tests.Directory;

/// <summary>A directory of domains, accounts and aliases in memory (case-insensitive), for the resolver's rules.</summary>
internal sealed class InMemoryDirectory : UnsupportedDirectory
{
    private readonly HashSet<string> _domains = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _accounts = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _created = []; // accounts in the order they were made (CreatedAt one second apart)
    private readonly List<Alias> _aliases = [];

    public InMemoryDirectory Domain(string domain) { _domains.Add(domain); return this; }

    public InMemoryDirectory User(string address)
    {
        if (_accounts.Add(address)) _created.Add(address);
        return this;
    }

    public InMemoryDirectory AliasOf(string alias, string target) { _aliases.Add(new Alias(alias, target)); return this; }

    public override Task<bool> IsLocalDomainAsync(string domain, CancellationToken cancellationToken) => Task.FromResult(_domains.Contains(domain));

    public override Task<Account?> GetAccountAsync(string address, CancellationToken cancellationToken) =>
        Task.FromResult(_accounts.Contains(address) ? AccountOf(address) : null);

    public override Task<IReadOnlyList<Account>> ListAccountsAsync(string? domain, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Account>>([.. _created
            .Where(a => domain is null || a.EndsWith("@" + domain, StringComparison.OrdinalIgnoreCase))
            .Select(AccountOf)
            .OrderBy(a => a.Address, StringComparer.Ordinal)]);

    private Account AccountOf(string address) =>
        new(address.ToLowerInvariant(), "x", DateTimeOffset.UnixEpoch.AddSeconds(_created.FindIndex(a => a.Equals(address, StringComparison.OrdinalIgnoreCase))));

    public override Task<IReadOnlyList<string>> GetAliasTargetsAsync(string alias, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([.. _aliases.Where(a => a.Address.Equals(alias, StringComparison.OrdinalIgnoreCase)).Select(a => a.Target)]);
}
