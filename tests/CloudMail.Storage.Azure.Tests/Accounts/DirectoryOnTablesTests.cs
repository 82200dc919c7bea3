using Azure.Data.Tables;
using CloudMail.ContractTests;
using CloudMail.Core.Delivery;
using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Directory;
using CloudMail.Storage.Azure.Tests.Support;

namespace CloudMail.Storage.Azure.Tests.Accounts;

/// <summary>
/// Directory, API keys and delivery log on Azurite, beyond the directory and delivery-log contracts: the API
/// key store (no shared contract class exists for it yet), key escaping, and what is stored.
/// </summary>
public sealed class DirectoryOnTablesTests(AzuriteFixture fixture) : IClassFixture<AzuriteFixture>
{
    private readonly CancellationToken _ct = new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    [Fact]
    public async Task A_created_key_verifies_to_its_domain_until_revoked()
    {
        string domain = Unique.Domain();

        CreatedApiKey created = await fixture.ApiKeys.CreateAsync(domain.ToUpperInvariant(), _ct);

        Assert.Equal(domain, created.Info.Domain);
        Assert.Equal(created.Info, await fixture.ApiKeys.VerifyAsync(created.Key, _ct));
        Assert.True(await fixture.ApiKeys.RevokeAsync(created.Info.KeyId, _ct));
        Assert.Null(await fixture.ApiKeys.VerifyAsync(created.Key, _ct));
        Assert.False(await fixture.ApiKeys.RevokeAsync(created.Info.KeyId, _ct));
    }

    [Fact]
    public async Task Wrong_or_malformed_keys_do_not_verify()
    {
        CreatedApiKey created = await fixture.ApiKeys.CreateAsync(Unique.Domain(), _ct);
        string tampered = created.Key[..^1] + (created.Key[^1] == 'A' ? 'B' : 'A');

        Assert.Null(await fixture.ApiKeys.VerifyAsync(tampered, _ct));
        Assert.Null(await fixture.ApiKeys.VerifyAsync("", _ct));
        Assert.Null(await fixture.ApiKeys.VerifyAsync("cm_' or PartitionKey ne '", _ct));
        Assert.False(await fixture.ApiKeys.RevokeAsync("' or 1 eq 1", _ct));
        Assert.NotNull(await fixture.ApiKeys.VerifyAsync(created.Key, _ct));
    }

    [Fact]
    public async Task Keys_are_listed_per_domain_oldest_first_and_only_the_secret_hash_is_stored()
    {
        string domain = Unique.Domain();
        CreatedApiKey first = await fixture.ApiKeys.CreateAsync(domain, _ct);
        await Task.Delay(5, _ct);
        CreatedApiKey second = await fixture.ApiKeys.CreateAsync(domain, _ct);
        await fixture.ApiKeys.CreateAsync(Unique.Domain(), _ct);

        IReadOnlyList<ApiKeyInfo> listed = await fixture.ApiKeys.ListAsync(domain, _ct);

        Assert.Equal([first.Info.KeyId, second.Info.KeyId], listed.Select(k => k.KeyId));
        Assert.Empty(await fixture.ApiKeys.ListAsync(Unique.Domain(), _ct));
        string secret = second.Key[("cm_".Length + 17)..];
        TableEntity row = (await fixture.Table(AzureResourceNames.Tables.Directory).GetEntityAsync<TableEntity>("apikey:" + second.Info.KeyId, "key",
            cancellationToken: _ct)).Value;
        Assert.DoesNotContain(row, p => p.Value is string s && s.Contains(secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Addresses_with_characters_Table_keys_forbid_are_stored_and_found()
    {
        string domain = Unique.Domain();
        await fixture.Directory.AddDomainAsync(domain, _ct);
        string odd = $"a/b#c?d\\e:f%@{domain}";

        await fixture.Directory.AddAccountAsync(odd, "hash", _ct);
        await fixture.Directory.AddAliasAsync($"x:y/z@{domain}", "t#1@example.org", _ct);
        await fixture.Directory.AddAliasAsync($"x@{domain}", "y:z/t@example.org", _ct);

        Assert.Equal(odd, (await fixture.Directory.GetAccountAsync(odd, _ct))!.Address);
        Assert.Equal(["t#1@example.org"], await fixture.Directory.GetAliasTargetsAsync($"x:y/z@{domain}", _ct));
        Assert.Equal(["y:z/t@example.org"], await fixture.Directory.GetAliasTargetsAsync($"x@{domain}", _ct));
        Assert.Equal(2, (await fixture.Directory.ListAliasesAsync(domain, _ct)).Count);
    }

    [Fact]
    public async Task A_domain_is_one_partition_holding_its_accounts_and_aliases()
    {
        string domain = Unique.Domain();
        await fixture.Directory.AddDomainAsync(domain, _ct);
        await fixture.Directory.AddAccountAsync("u@" + domain, "hash", _ct);
        await fixture.Directory.AddAliasAsync("@" + domain, "u@" + domain, _ct);

        List<string> rows = [.. fixture.Table(AzureResourceNames.Tables.Directory)
            .QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {"dom:" + domain}"), cancellationToken: _ct)
            .ToBlockingEnumerable(_ct).Select(r => r.RowKey)];

        Assert.Equal(["acct:u", "alias::u@" + domain, "domain"], rows.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Delivery_records_of_odd_message_ids_and_recipients_round_trip()
    {
        string messageId = "id/with#odd?" + Unique.MessageId();
        var record = new DeliveryRecord(messageId, "x#y/z@example.org", DeliveryStatus.Deferred, 2, "451 4.7.1 greylisted", TestData.Now());

        await fixture.DeliveryLog.RecordAsync(record, _ct);

        Assert.Equal([record], await fixture.DeliveryLog.GetAsync(messageId, _ct));
    }
}
