using CloudMail.Core.Directory;
using CloudMail.Core.Routing;
using Microsoft.Extensions.Options;

namespace CloudMail.Core.Tests.Directory;

/// <summary>
/// RFC 5321 §4.5.1: every domain accepts mail for <c>postmaster</c>. <see cref="RecipientResolver"/> routes it to what the
/// administrator named (account, alias, catch-all, <see cref="RoutingOptions.Postmaster"/>), else to the oldest account.
/// </summary>
public sealed class PostmasterRoutingTests
{
    private readonly CancellationToken _ct = CancellationToken.None;

    private static RecipientResolver Resolver(IMailDirectory directory, string postmaster = "") =>
        new(directory, Options.Create(new RoutingOptions { Postmaster = postmaster }), null);

    [Fact]
    public async Task Without_a_postmaster_of_its_own_a_domain_delivers_postmaster_mail_to_its_oldest_account_in_any_case()
    {
        var directory = new InMemoryDirectory().Domain("example.test").Domain("other.test")
            .User("zed@other.test").User("carol@example.test").User("ann@example.test");

        Assert.Equal(["carol@example.test"], (await Resolver(directory).ResolveAsync("postmaster@example.test", _ct)).LocalAccounts);
        Assert.Equal(["carol@example.test"], (await Resolver(directory).ResolveAsync("PostMaster@Example.test", _ct)).LocalAccounts);
        Assert.Equal(["zed@other.test"], (await Resolver(directory).ResolveAsync("postmaster@other.test", _ct)).LocalAccounts);
    }

    [Fact]
    public async Task A_domain_without_accounts_falls_back_to_the_servers_oldest_and_no_account_at_all_means_no_route()
    {
        var directory = new InMemoryDirectory().Domain("example.test").Domain("empty.test").User("ann@example.test");
        Assert.Equal(["ann@example.test"], (await Resolver(directory).ResolveAsync("postmaster@empty.test", _ct)).LocalAccounts);

        Assert.True((await Resolver(new InMemoryDirectory().Domain("example.test")).ResolveAsync("postmaster@example.test", _ct)).IsEmpty);
        Assert.True((await Resolver(directory).ResolveAsync("postmistress@example.test", _ct)).IsEmpty); // only postmaster
    }

    [Fact]
    public async Task An_account_alias_or_catch_all_the_administrator_made_wins_and_the_setting_comes_before_the_oldest_account()
    {
        var directory = new InMemoryDirectory().Domain("example.test").Domain("aliased.test").Domain("caught.test")
            .User("ann@example.test").User("pm@example.test").User("postmaster@example.test")
            .AliasOf("postmaster@aliased.test", "pm@example.test").AliasOf("@caught.test", "pm@example.test");

        Assert.Equal(["postmaster@example.test"], (await Resolver(directory).ResolveAsync("postmaster@example.test", _ct)).LocalAccounts);
        Assert.Equal(["pm@example.test"], (await Resolver(directory).ResolveAsync("postmaster@aliased.test", _ct)).LocalAccounts);
        Assert.Equal(["pm@example.test"], (await Resolver(directory).ResolveAsync("postmaster@caught.test", _ct)).LocalAccounts);

        var fresh = new InMemoryDirectory().Domain("new.test").User("ann@new.test").User("pm@new.test");
        Assert.Equal(["pm@new.test"], (await Resolver(fresh, postmaster: "pm@new.test").ResolveAsync("postmaster@new.test", _ct)).LocalAccounts);
        var remote = await Resolver(fresh, postmaster: "noc@remote.test").ResolveAsync("postmaster@new.test", _ct);
        Assert.Equal((0, "noc@remote.test"), (remote.LocalAccounts.Count, Assert.Single(remote.RemoteAddresses)));
    }

    [Theory]
    [InlineData("pm")]
    [InlineData("@example.test")]
    [InlineData("pm@")]
    [InlineData("<pm@example.test>")]
    public void A_postmaster_setting_that_is_no_address_is_refused_at_start(string value) =>
        Assert.Contains(new RoutingOptions { Postmaster = value }.Problems(), p => p.StartsWith("CloudMail:Routing:Postmaster", StringComparison.Ordinal));
}
