using CloudMail.Core.Directory;

namespace CloudMail.ContractTests;

/// <summary>The <see cref="IMailDirectory"/> contract: domains, accounts and aliases, case-insensitive.</summary>
public abstract class MailDirectoryContractTests : ContractTest<IMailDirectory>
{
    protected IMailDirectory Directory => Subject;

    [Fact]
    public async Task Added_domain_is_local_and_listed_lower_cased()
    {
        string domain = Unique.Domain();

        await Directory.AddDomainAsync(domain.ToUpperInvariant(), Ct);

        Assert.True(await Directory.IsLocalDomainAsync(domain, Ct));
        Assert.True(await Directory.IsLocalDomainAsync(domain.ToUpperInvariant(), Ct));
        Assert.Contains(domain, await Directory.ListDomainsAsync(Ct));
    }

    [Fact]
    public async Task Unknown_domain_is_not_local()
    {
        Assert.False(await Directory.IsLocalDomainAsync(Unique.Domain(), Ct));
    }

    [Fact]
    public async Task Adding_a_domain_twice_is_a_no_op()
    {
        string domain = Unique.Domain();

        await Directory.AddDomainAsync(domain, Ct);
        await Directory.AddDomainAsync(domain, Ct);

        Assert.Single(await Directory.ListDomainsAsync(Ct), d => d == domain);
    }

    [Fact]
    public async Task Removing_an_unused_domain_returns_true_and_it_is_no_longer_local()
    {
        string domain = await NewDomainAsync();

        Assert.True(await Directory.RemoveDomainAsync(domain, Ct));

        Assert.False(await Directory.IsLocalDomainAsync(domain, Ct));
        Assert.DoesNotContain(domain, await Directory.ListDomainsAsync(Ct));
    }

    [Fact]
    public async Task Removing_an_unknown_domain_returns_false()
    {
        Assert.False(await Directory.RemoveDomainAsync(Unique.Domain(), Ct));
    }

    [Fact]
    public async Task Removing_a_domain_with_accounts_throws_DirectoryConflictException()
    {
        string domain = await NewDomainAsync();
        await Directory.AddAccountAsync(Unique.Address(domain), "hash", Ct);

        await Assert.ThrowsAsync<DirectoryConflictException>(() => Directory.RemoveDomainAsync(domain, Ct));

        Assert.True(await Directory.IsLocalDomainAsync(domain, Ct));
    }

    [Fact]
    public async Task Removing_a_domain_with_aliases_throws_DirectoryConflictException()
    {
        string domain = await NewDomainAsync();
        await Directory.AddAliasAsync("postmaster@" + domain, "someone@example.org", Ct);

        await Assert.ThrowsAsync<DirectoryConflictException>(() => Directory.RemoveDomainAsync(domain, Ct));
    }

    [Fact]
    public async Task Account_is_stored_lower_cased_and_found_case_insensitively()
    {
        string domain = await NewDomainAsync();
        string address = Unique.Address(domain);
        DateTimeOffset before = DateTimeOffset.UtcNow.AddMinutes(-5);

        await Directory.AddAccountAsync(address.ToUpperInvariant(), "hash-1", Ct);

        Account? account = await Directory.GetAccountAsync(address.ToUpperInvariant(), Ct);
        Assert.NotNull(account);
        Assert.Equal(address, account.Address);
        Assert.Equal("hash-1", account.PasswordHash);
        Assert.InRange(account.CreatedAt, before, DateTimeOffset.UtcNow.AddMinutes(5));
    }

    [Fact]
    public async Task Adding_an_account_in_a_non_local_domain_throws_DirectoryEntryNotFoundException()
    {
        string address = Unique.Address(Unique.Domain());

        await Assert.ThrowsAsync<DirectoryEntryNotFoundException>(() => Directory.AddAccountAsync(address, "hash", Ct));

        Assert.Null(await Directory.GetAccountAsync(address, Ct));
    }

    [Fact]
    public async Task Adding_an_existing_account_throws_DirectoryConflictException()
    {
        string domain = await NewDomainAsync();
        string address = Unique.Address(domain);
        await Directory.AddAccountAsync(address, "hash-1", Ct);

        await Assert.ThrowsAsync<DirectoryConflictException>(() => Directory.AddAccountAsync(address.ToUpperInvariant(), "hash-2", Ct));

        Assert.Equal("hash-1", (await Directory.GetAccountAsync(address, Ct))!.PasswordHash);
    }

    [Fact]
    public async Task Removing_an_account_returns_whether_it_existed()
    {
        string domain = await NewDomainAsync();
        string address = Unique.Address(domain);
        await Directory.AddAccountAsync(address, "hash", Ct);

        Assert.True(await Directory.RemoveAccountAsync(address, Ct));
        Assert.False(await Directory.RemoveAccountAsync(address, Ct));

        Assert.Null(await Directory.GetAccountAsync(address, Ct));
    }

    [Fact]
    public async Task Accounts_are_listed_per_domain_sorted_and_all_together()
    {
        string domain = await NewDomainAsync();
        string other = await NewDomainAsync();
        string[] addresses = ["c@" + domain, "a@" + domain, "b@" + domain];
        foreach (string address in addresses) await Directory.AddAccountAsync(address, "hash", Ct);
        await Directory.AddAccountAsync("a@" + other, "hash", Ct);

        IReadOnlyList<Account> inDomain = await Directory.ListAccountsAsync(domain.ToUpperInvariant(), Ct);
        IReadOnlyList<Account> all = await Directory.ListAccountsAsync(null, Ct);

        Assert.Equal(["a@" + domain, "b@" + domain, "c@" + domain], inDomain.Select(a => a.Address));
        Assert.Contains(all, a => a.Address == "a@" + other);
        Assert.Contains(all, a => a.Address == "c@" + domain);
        Assert.Equal(all.Select(a => a.Address).Order(StringComparer.Ordinal), all.Select(a => a.Address));
    }

    [Fact]
    public async Task Setting_a_password_hash_replaces_the_old_one()
    {
        string domain = await NewDomainAsync();
        string address = Unique.Address(domain);
        await Directory.AddAccountAsync(address, "old", Ct);

        await Directory.SetPasswordHashAsync(address.ToUpperInvariant(), "new", Ct);

        Assert.Equal("new", (await Directory.GetAccountAsync(address, Ct))!.PasswordHash);
    }

    [Fact]
    public async Task Setting_the_password_of_an_unknown_account_throws_DirectoryEntryNotFoundException()
    {
        string domain = await NewDomainAsync();

        await Assert.ThrowsAsync<DirectoryEntryNotFoundException>(
            () => Directory.SetPasswordHashAsync(Unique.Address(domain), "hash", Ct));
    }

    [Fact]
    public async Task A_new_account_has_no_quota_of_its_own()
    {
        string domain = await NewDomainAsync();
        string address = Unique.Address(domain);
        await Directory.AddAccountAsync(address, "hash", Ct);

        Account? account = await Directory.GetAccountAsync(address, Ct);

        Assert.Null(account!.Quota?.StorageBytes);
        Assert.Null(account.Quota?.Messages);
    }

    [Fact]
    public async Task Quota_limits_are_kept_with_the_account_and_listed_with_it()
    {
        string domain = await NewDomainAsync();
        string address = Unique.Address(domain);
        await Directory.AddAccountAsync(address, "hash", Ct);

        await Directory.SetQuotaAsync(address.ToUpperInvariant(), new AccountQuota(500L << 20, 1000), Ct);

        Assert.Equal(new AccountQuota(500L << 20, 1000), (await Directory.GetAccountAsync(address, Ct))!.Quota);
        Assert.Equal(new AccountQuota(500L << 20, 1000), Assert.Single(await Directory.ListAccountsAsync(domain, Ct)).Quota);
        Assert.Equal("hash", (await Directory.GetAccountAsync(address, Ct))!.PasswordHash);
    }

    [Fact]
    public async Task Setting_a_quota_replaces_both_limits_and_null_returns_to_the_default()
    {
        string domain = await NewDomainAsync();
        string address = Unique.Address(domain);
        await Directory.AddAccountAsync(address, "hash", Ct);
        await Directory.SetQuotaAsync(address, new AccountQuota(2L << 30, 50), Ct);

        await Directory.SetQuotaAsync(address, new AccountQuota(0, null), Ct);

        Account account = (await Directory.GetAccountAsync(address, Ct))!;
        Assert.Equal(0, account.Quota!.StorageBytes);
        Assert.Null(account.Quota.Messages);

        await Directory.SetQuotaAsync(address, AccountQuota.Default, Ct);
        Assert.Null((await Directory.GetAccountAsync(address, Ct))!.Quota?.StorageBytes);
    }

    [Fact]
    public async Task Password_change_keeps_the_quota()
    {
        string domain = await NewDomainAsync();
        string address = Unique.Address(domain);
        await Directory.AddAccountAsync(address, "old", Ct);
        await Directory.SetQuotaAsync(address, new AccountQuota(1L << 30, null), Ct);

        await Directory.SetPasswordHashAsync(address, "new", Ct);

        Assert.Equal(1L << 30, (await Directory.GetAccountAsync(address, Ct))!.Quota!.StorageBytes);
    }

    [Fact]
    public async Task Setting_the_quota_of_an_unknown_account_throws_DirectoryEntryNotFoundException()
    {
        string domain = await NewDomainAsync();

        await Assert.ThrowsAsync<DirectoryEntryNotFoundException>(
            () => Directory.SetQuotaAsync(Unique.Address(domain), new AccountQuota(1, 1), Ct));
    }

    [Fact]
    public async Task A_negative_quota_is_refused_and_nothing_changes()
    {
        string domain = await NewDomainAsync();
        string address = Unique.Address(domain);
        await Directory.AddAccountAsync(address, "hash", Ct);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Directory.SetQuotaAsync(address, new AccountQuota(-1, null), Ct));

        Assert.Null((await Directory.GetAccountAsync(address, Ct))!.Quota?.StorageBytes);
    }

    [Fact]
    public async Task Alias_can_have_several_targets_and_adding_one_twice_is_a_no_op()
    {
        string domain = await NewDomainAsync();
        string alias = "team@" + domain;

        await Directory.AddAliasAsync(alias, "b@example.org", Ct);
        await Directory.AddAliasAsync(alias.ToUpperInvariant(), "A@Example.org", Ct);
        await Directory.AddAliasAsync(alias, "b@example.org", Ct);

        Assert.Equal(["a@example.org", "b@example.org"], (await Directory.GetAliasTargetsAsync(alias, Ct)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Alias_targets_are_exact_with_no_catch_all_fallback()
    {
        string domain = await NewDomainAsync();
        await Directory.AddAliasAsync("@" + domain, "catchall@example.org", Ct);

        Assert.Equal(["catchall@example.org"], await Directory.GetAliasTargetsAsync("@" + domain, Ct));
        Assert.Empty(await Directory.GetAliasTargetsAsync("nobody@" + domain, Ct));
    }

    [Fact]
    public async Task Adding_an_alias_in_a_non_local_domain_throws_DirectoryEntryNotFoundException()
    {
        await Assert.ThrowsAsync<DirectoryEntryNotFoundException>(
            () => Directory.AddAliasAsync("x@" + Unique.Domain(), "y@example.org", Ct));
    }

    [Fact]
    public async Task Removing_one_alias_target_keeps_the_others()
    {
        string domain = await NewDomainAsync();
        string alias = "team@" + domain;
        await Directory.AddAliasAsync(alias, "a@example.org", Ct);
        await Directory.AddAliasAsync(alias, "b@example.org", Ct);

        Assert.True(await Directory.RemoveAliasAsync(alias, "A@example.org", Ct));
        Assert.False(await Directory.RemoveAliasAsync(alias, "a@example.org", Ct));

        Assert.Equal(["b@example.org"], await Directory.GetAliasTargetsAsync(alias, Ct));
    }

    [Fact]
    public async Task Removing_an_alias_without_target_removes_all_its_targets()
    {
        string domain = await NewDomainAsync();
        string alias = "team@" + domain;
        await Directory.AddAliasAsync(alias, "a@example.org", Ct);
        await Directory.AddAliasAsync(alias, "b@example.org", Ct);

        Assert.True(await Directory.RemoveAliasAsync(alias, null, Ct));

        Assert.Empty(await Directory.GetAliasTargetsAsync(alias, Ct));
        Assert.False(await Directory.RemoveAliasAsync(alias, null, Ct));
        Assert.True(await Directory.RemoveDomainAsync(domain, Ct));
    }

    [Fact]
    public async Task Aliases_are_listed_per_domain_sorted()
    {
        string domain = await NewDomainAsync();
        string other = await NewDomainAsync();
        await Directory.AddAliasAsync("b@" + domain, "x@example.org", Ct);
        await Directory.AddAliasAsync("a@" + domain, "z@example.org", Ct);
        await Directory.AddAliasAsync("a@" + domain, "y@example.org", Ct);
        await Directory.AddAliasAsync("a@" + other, "y@example.org", Ct);

        IReadOnlyList<Alias> aliases = await Directory.ListAliasesAsync(domain, Ct);
        IReadOnlyList<Alias> all = await Directory.ListAliasesAsync(null, Ct);

        Assert.Equal(
            [new Alias("a@" + domain, "y@example.org"), new Alias("a@" + domain, "z@example.org"), new Alias("b@" + domain, "x@example.org")],
            aliases);
        Assert.Contains(new Alias("a@" + other, "y@example.org"), all);
    }

    protected async Task<string> NewDomainAsync()
    {
        string domain = Unique.Domain();
        await Directory.AddDomainAsync(domain, Ct);
        return domain;
    }

    [Fact]
    public async Task A_new_account_is_enabled_and_disabling_and_enabling_it_is_kept_and_listed()
    {
        string domain = await NewDomainAsync();
        string address = Unique.Address(domain);
        await Directory.AddAccountAsync(address, "hash", Ct);
        Assert.False((await Directory.GetAccountAsync(address, Ct))!.Disabled);

        await Directory.SetDisabledAsync(address.ToUpperInvariant(), true, Ct);
        await Directory.SetDisabledAsync(address, true, Ct); // idempotent

        Assert.True((await Directory.GetAccountAsync(address, Ct))!.Disabled);
        Assert.True(Assert.Single(await Directory.ListAccountsAsync(domain, Ct)).Disabled);
        Assert.Equal("hash", (await Directory.GetAccountAsync(address, Ct))!.PasswordHash);

        await Directory.SetDisabledAsync(address, false, Ct);
        Assert.False((await Directory.GetAccountAsync(address, Ct))!.Disabled);
    }

    [Fact]
    public async Task Password_and_quota_changes_keep_the_disabled_state()
    {
        string domain = await NewDomainAsync();
        string address = Unique.Address(domain);
        await Directory.AddAccountAsync(address, "old", Ct);
        await Directory.SetDisabledAsync(address, true, Ct);

        await Directory.SetPasswordHashAsync(address, "new", Ct);
        await Directory.SetQuotaAsync(address, new AccountQuota(1L << 30, 5), Ct);

        Account account = (await Directory.GetAccountAsync(address, Ct))!;
        Assert.True(account.Disabled);
        Assert.Equal("new", account.PasswordHash);
        Assert.Equal(5, account.Quota!.Messages);
    }

    [Fact]
    public async Task Disabling_an_unknown_account_throws_DirectoryEntryNotFoundException()
    {
        string domain = await NewDomainAsync();

        await Assert.ThrowsAsync<DirectoryEntryNotFoundException>(() => Directory.SetDisabledAsync(Unique.Address(domain), true, Ct));
    }
}
