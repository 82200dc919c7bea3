using CloudMail.ContractTests;
using CloudMail.Core.Directory;
using CloudMail.Storage.Embedded.Tests.Support;

namespace CloudMail.Storage.Embedded.Tests;

/// <summary>
/// The per-batch <see cref="ResolutionCache"/> of the inbound worker, over the embedded directory: one set of lookups
/// per address within a batch, the directory's current state in the next one.
/// </summary>
public sealed class ResolutionCacheTests(EmbeddedStorageFixture fixture) : IClassFixture<EmbeddedStorageFixture>
{
    private readonly CancellationToken _ct = CancellationToken.None;

    [Fact]
    public async Task Within_one_cache_an_address_resolves_as_it_did_first_and_a_new_cache_sees_changes()
    {
        IMailDirectory directory = fixture.Storage.MailDirectory;
        var resolver = new RecipientResolver(directory);
        string domain = Unique.Domain();
        string account = Unique.Address(domain);
        string alias = "team@" + domain;
        await directory.AddDomainAsync(domain, _ct);
        await directory.AddAccountAsync(account, "hash", _ct);
        var batch = new ResolutionCache();

        Assert.Empty((await resolver.ResolveAsync(alias, batch, _ct)).LocalAccounts);
        await directory.AddAliasAsync(alias, account, _ct);

        Assert.Empty((await resolver.ResolveAsync(alias.ToUpperInvariant(), batch, _ct)).LocalAccounts);
        Assert.Equal([account], (await resolver.ResolveAsync(alias, new ResolutionCache(), _ct)).LocalAccounts);
        Assert.Equal([account], (await resolver.ResolveAsync(alias, null, _ct)).LocalAccounts);
    }

    [Fact]
    public async Task Local_domain_answers_are_cached_per_domain()
    {
        IMailDirectory directory = fixture.Storage.MailDirectory;
        var resolver = new RecipientResolver(directory);
        string domain = Unique.Domain();
        var batch = new ResolutionCache();

        Assert.False(await resolver.IsLocalAddressAsync("a@" + domain, batch, _ct));
        await directory.AddDomainAsync(domain, _ct);

        Assert.False(await resolver.IsLocalAddressAsync("b@" + domain.ToUpperInvariant(), batch, _ct));
        Assert.True(await resolver.IsLocalAddressAsync("b@" + domain, new ResolutionCache(), _ct));
    }
}
