using CloudMail.Core.Directory;
using CloudMail.Core.Routing;
using Microsoft.Extensions.Options;

namespace CloudMail.Core.Tests.Directory;

/// <summary>Plus-addressing in <see cref="RecipientResolver"/>: <c>user+tag@</c> reaches <c>user@</c> unless the exact address exists.</summary>
public sealed class PlusAddressingTests
{
    private readonly CancellationToken _ct = CancellationToken.None;

    private static RecipientResolver Resolver(IMailDirectory directory, string separator = "+") =>
        new(directory, Options.Create(new RoutingOptions { PlusSeparator = separator }), null);

    [Fact]
    public async Task A_tagged_address_delivers_to_the_account()
    {
        var directory = new InMemoryDirectory().Domain("example.test").User("ann@example.test");

        var resolution = await Resolver(directory).ResolveAsync("Ann+Lists@Example.test", _ct);

        Assert.Equal(["ann@example.test"], resolution.LocalAccounts);
    }

    [Fact]
    public async Task A_tagged_alias_expands_like_the_alias()
    {
        var directory = new InMemoryDirectory().Domain("example.test").User("bob@example.test").AliasOf("team@example.test", "bob@example.test");

        Assert.Equal(["bob@example.test"], (await Resolver(directory).ResolveAsync("team+x@example.test", _ct)).LocalAccounts);
    }

    [Fact]
    public async Task An_exact_account_or_alias_with_the_separator_wins_over_the_stripped_form()
    {
        var directory = new InMemoryDirectory().Domain("example.test")
            .User("ann@example.test").User("ann+work@example.test").User("bob@example.test")
            .AliasOf("ann+home@example.test", "bob@example.test");

        Assert.Equal(["ann+work@example.test"], (await Resolver(directory).ResolveAsync("ann+work@example.test", _ct)).LocalAccounts);
        Assert.Equal(["bob@example.test"], (await Resolver(directory).ResolveAsync("ann+home@example.test", _ct)).LocalAccounts);
    }

    [Fact]
    public async Task The_stripped_form_wins_over_the_catch_all_and_an_unknown_user_falls_to_it()
    {
        var directory = new InMemoryDirectory().Domain("example.test").User("ann@example.test").User("box@example.test")
            .AliasOf("@example.test", "box@example.test");

        Assert.Equal(["ann@example.test"], (await Resolver(directory).ResolveAsync("ann+x@example.test", _ct)).LocalAccounts);
        Assert.Equal(["box@example.test"], (await Resolver(directory).ResolveAsync("nobody+x@example.test", _ct)).LocalAccounts);
    }

    [Fact]
    public async Task Another_separator_is_used_and_an_empty_one_turns_plus_addressing_off()
    {
        var directory = new InMemoryDirectory().Domain("example.test").User("ann@example.test");

        Assert.Equal(["ann@example.test"], (await Resolver(directory, "-").ResolveAsync("ann-x@example.test", _ct)).LocalAccounts);
        Assert.True((await Resolver(directory, "-").ResolveAsync("ann+x@example.test", _ct)).IsEmpty);
        Assert.True((await Resolver(directory, "").ResolveAsync("ann+x@example.test", _ct)).IsEmpty);
    }

    [Theory]
    [InlineData("ann+tag@example.test", "+", "ann@example.test")]
    [InlineData("ann+a+b@example.test", "+", "ann@example.test")]
    [InlineData("+tag@example.test", "+", null)]
    [InlineData("ann@example.test", "+", null)]
    [InlineData("ann+tag@example.test", "", null)]
    [InlineData("ann--x@example.test", "--", "ann@example.test")]
    [InlineData("no-at-sign+tag", "+", null)]
    public void Strip_cuts_the_local_part_at_the_first_separator(string address, string separator, string? expected) =>
        Assert.Equal(expected, PlusAddress.Strip(address, separator));

    [Fact]
    public async Task Admission_accepts_a_tagged_local_address_and_refuses_an_unknown_one()
    {
        var directory = new InMemoryDirectory().Domain("example.test").User("ann@example.test");
        var admission = new RecipientAdmission(directory, Resolver(directory), Core.Delivery.NoRemoteDeliveryRoute.Instance);

        Assert.Equal(RecipientVerdict.Accepted, await admission.CheckAsync("ann+shop@example.test", mayRelay: false, _ct));
        Assert.Equal(RecipientVerdict.UnknownUser, await admission.CheckAsync("bob+shop@example.test", mayRelay: false, _ct));
    }

    [Theory]
    [InlineData("a@b")]
    [InlineData("has space")]
    [InlineData("toolong")]
    public void Options_refuse_a_separator_that_cannot_be_in_a_local_part(string separator) =>
        Assert.NotEmpty(new RoutingOptions { PlusSeparator = separator }.Problems());

    [Fact]
    public void Default_options_are_valid() => Assert.Empty(new RoutingOptions().Problems());
}
