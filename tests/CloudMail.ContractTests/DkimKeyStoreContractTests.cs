using CloudMail.Core.Directory;
using CloudMail.Core.Dkim;

namespace CloudMail.ContractTests;

/// <summary>The <see cref="IDkimKeyStore"/> contract: per-domain keys by selector, active keys newest first, rotation.</summary>
public abstract class DkimKeyStoreContractTests : ContractTest<IDkimKeyStore>
{
    protected IDkimKeyStore Keys => Subject;

    /// <summary>A key with a PEM-shaped random text (the store keeps text, it does not parse keys).</summary>
    private static DkimKey Key(string domain, string selector, DateTimeOffset created, bool active = true) =>
        new(domain, selector, DkimAlgorithm.RsaSha256,
            $"-----BEGIN PRIVATE KEY-----\n{Convert.ToBase64String(TestData.RandomBytes(96))}\n-----END PRIVATE KEY-----\n", created, active);

    [Fact]
    public async Task Added_key_is_listed_with_everything_it_was_stored_with_lower_cased()
    {
        string domain = Unique.Domain();
        DkimKey key = Key(domain.ToUpperInvariant(), "CM202612", TestData.Now());

        await Keys.AddAsync(key, Ct);

        DkimKey listed = Assert.Single(await Keys.ListAsync(domain, Ct));
        Assert.Equal(key with { Domain = domain, Selector = "cm202612" }, listed);
    }

    [Fact]
    public async Task Unknown_domain_has_no_keys()
    {
        string domain = Unique.Domain();
        Assert.Empty(await Keys.ListAsync(domain, Ct));
        Assert.Empty(await Keys.ActiveKeysAsync(domain, Ct));
    }

    [Fact]
    public async Task Adding_a_selector_the_domain_already_has_is_a_conflict_and_keeps_the_first_key()
    {
        string domain = Unique.Domain();
        DkimKey first = Key(domain, "s1", TestData.Now());
        await Keys.AddAsync(first, Ct);

        await Assert.ThrowsAsync<DirectoryConflictException>(() => Keys.AddAsync(Key(domain, "S1", TestData.Now()), Ct));

        Assert.Equal(first.PrivateKeyPem, Assert.Single(await Keys.ListAsync(domain, Ct)).PrivateKeyPem);
    }

    [Fact]
    public async Task The_same_selector_in_another_domain_is_another_key()
    {
        string a = Unique.Domain(), b = Unique.Domain();
        await Keys.AddAsync(Key(a, "s1", TestData.Now()), Ct);
        await Keys.AddAsync(Key(b, "s1", TestData.Now()), Ct);

        Assert.Single(await Keys.ListAsync(a, Ct));
        Assert.Single(await Keys.ListAsync(b, Ct));
    }

    [Fact]
    public async Task Rotation_lists_oldest_first_and_gives_active_keys_newest_first()
    {
        string domain = Unique.Domain();
        DateTimeOffset now = TestData.Now();
        await Keys.AddAsync(Key(domain, "new", now), Ct);
        await Keys.AddAsync(Key(domain, "old", now.AddDays(-30)), Ct);
        await Keys.AddAsync(Key(domain, "inactive", now.AddDays(-60), active: false), Ct);

        Assert.Equal(["inactive", "old", "new"], (await Keys.ListAsync(domain, Ct)).Select(k => k.Selector));
        Assert.Equal(["new", "old"], (await Keys.ActiveKeysAsync(domain, Ct)).Select(k => k.Selector));
    }

    [Fact]
    public async Task Active_keys_are_of_exactly_the_domain_not_its_subdomains_or_parents()
    {
        string domain = Unique.Domain();
        await Keys.AddAsync(Key("sub." + domain, "s1", TestData.Now()), Ct);

        Assert.Empty(await Keys.ActiveKeysAsync(domain, Ct));
        Assert.Empty(await Keys.ActiveKeysAsync("other.sub." + domain, Ct));
    }

    [Fact]
    public async Task Deactivated_key_stays_listed_but_is_no_longer_active()
    {
        string domain = Unique.Domain();
        await Keys.AddAsync(Key(domain, "s1", TestData.Now()), Ct);

        Assert.True(await Keys.DeactivateAsync(domain.ToUpperInvariant(), "S1", Ct));

        Assert.False(Assert.Single(await Keys.ListAsync(domain, Ct)).Active);
        Assert.Empty(await Keys.ActiveKeysAsync(domain, Ct));
    }

    [Fact]
    public async Task Removed_key_is_gone_and_removing_or_deactivating_an_unknown_selector_returns_false()
    {
        string domain = Unique.Domain();
        await Keys.AddAsync(Key(domain, "s1", TestData.Now()), Ct);

        Assert.True(await Keys.RemoveAsync(domain, "s1", Ct));

        Assert.Empty(await Keys.ListAsync(domain, Ct));
        Assert.False(await Keys.RemoveAsync(domain, "s1", Ct));
        Assert.False(await Keys.DeactivateAsync(domain, "s1", Ct));
        Assert.False(await Keys.RemoveAsync(domain, "not a selector!", Ct));
    }

    [Fact]
    public async Task A_generated_key_round_trips_exactly()
    {
        DkimKey key = DkimKeyGenerator.NewRsaKey(Unique.Domain(), "cm1", DateTimeOffset.UtcNow);

        await Keys.AddAsync(key, Ct);

        Assert.Equal(key, Assert.Single(await Keys.ActiveKeysAsync(key.Domain, Ct)));
    }
}
