using Azure;
using Azure.Data.Tables;
using CloudMail.Core.Directory;
using CloudMail.Core.Messages;
using CloudMail.Storage.Azure.Tables;
using Microsoft.Extensions.Logging;

namespace CloudMail.Storage.Azure.Directory;

/// <summary>
/// <see cref="IMailDirectory"/> on the <see cref="AzureResourceNames.Tables.Directory"/> table, one partition per
/// domain (layout: <see cref="DirectoryRows"/>). Addresses and domains are trimmed and lower-cased. Adding an
/// account or alias writes the row in one transaction with an ETag-conditioned touch of the domain row, and
/// removing a domain deletes the domain row conditioned on the ETag it read while checking the partition was
/// empty; so a domain can never be removed while an account or alias is being added to it. Lost races are
/// retried (<see cref="AzureStorageOptions.MaxConcurrencyAttempts"/>), then reported as
/// <see cref="DirectoryConflictException"/>.
/// </summary>
public sealed class AzureMailDirectory : IMailDirectory
{
    private readonly TableClient _table;
    private readonly TimeProvider _time;
    private readonly OptimisticRetry _retry;

    public AzureMailDirectory(TableClient table, AzureStorageOptions options, TimeProvider time, ILogger<AzureMailDirectory> logger)
    {
        _table = table;
        _time = time;
        _retry = new OptimisticRetry(options.MaxConcurrencyAttempts, logger);
    }

    /// <summary>Idempotent.</summary>
    public async Task AddDomainAsync(string domain, CancellationToken cancellationToken)
    {
        string name = DirectoryKeys.Domain(domain);
        var row = new DomainEntity
        {
            PartitionKey = DirectoryRows.DomainPartition(name),
            RowKey = DirectoryRows.DomainRow,
            Domain = name,
            CreatedAtTicks = StoredTime.ToTicks(_time.GetUtcNow()),
        };
        try
        {
            await _table.AddEntityAsync(row, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == TableErrors.Conflict)
        {
            // Already local.
        }
    }

    /// <summary>Throws <see cref="DirectoryConflictException"/> while accounts or aliases of the domain remain.</summary>
    public Task<bool> RemoveDomainAsync(string domain, CancellationToken cancellationToken)
    {
        string name = DirectoryKeys.Domain(domain);
        string partition = DirectoryRows.DomainPartition(name);
        return _retry.RunAsync("RemoveDomain", name, async ct =>
        {
            DomainEntity? row = await FindDomainAsync(partition, ct).ConfigureAwait(false);
            if (row is null) return false;
            await foreach (KeyOnlyRow other in _table.QueryAsync<KeyOnlyRow>(TableQueries.Partition(partition), maxPerPage: 2,
                               select: KeyOnlyRow.Columns, cancellationToken: ct).ConfigureAwait(false))
            {
                if (other.RowKey != DirectoryRows.DomainRow) throw new DirectoryConflictException($"Domain '{name}' still has accounts or aliases.");
            }
            try
            {
                Response response = await _table.DeleteEntityAsync(partition, DirectoryRows.DomainRow, row.ETag, ct).ConfigureAwait(false);
                return response.Status != TableErrors.NotFound;
            }
            catch (RequestFailedException e) when (e.Status == TableErrors.PreconditionFailed)
            {
                throw new ConcurrencyConflict("the domain row changed", e);
            }
        }, Conflict, cancellationToken);
    }

    /// <summary>Sorted. Scans the table for domain rows (an admin operation).</summary>
    public async Task<IReadOnlyList<string>> ListDomainsAsync(CancellationToken cancellationToken)
    {
        var domains = new List<string>();
        string filter = TableClient.CreateQueryFilter(
            $"PartitionKey ge {DirectoryRows.DomainPartitionPrefix} and PartitionKey lt {TableKeys.UpperBound(DirectoryRows.DomainPartitionPrefix)} and RowKey eq {DirectoryRows.DomainRow}");
        await foreach (DomainEntity row in _table.QueryAsync<DomainEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            domains.Add(row.Domain);
        }
        domains.Sort(StringComparer.Ordinal);
        return domains;
    }

    public async Task<bool> IsLocalDomainAsync(string domain, CancellationToken cancellationToken) =>
        await FindDomainAsync(DirectoryRows.DomainPartition(DirectoryKeys.Domain(domain)), cancellationToken).ConfigureAwait(false) is not null;

    /// <summary>
    /// Throws <see cref="DirectoryEntryNotFoundException"/> when the domain is not local and
    /// <see cref="DirectoryConflictException"/> when the account exists.
    /// </summary>
    public Task AddAccountAsync(string address, string passwordHash, CancellationToken cancellationToken)
    {
        string key = DirectoryKeys.Address(address);
        string domain = DirectoryKeys.RequireDomainPart(key);
        ArgumentException.ThrowIfNullOrEmpty(passwordHash);
        var account = new AccountEntity
        {
            PartitionKey = DirectoryRows.DomainPartition(domain),
            RowKey = DirectoryRows.Account(MailAddresses.LocalPartOf(key)),
            Address = key,
            PasswordHash = passwordHash,
            CreatedAtTicks = StoredTime.ToTicks(_time.GetUtcNow()),
        };
        return _retry.RunAsync("AddAccount", domain, async ct =>
        {
            try
            {
                await WriteInDomainAsync(domain, new TableTransactionAction(TableTransactionActionType.Add, account), ct).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (e.Status == TableErrors.Conflict)
            {
                throw new DirectoryConflictException($"Account '{key}' already exists.");
            }
        }, Conflict, cancellationToken);
    }

    public async Task<bool> RemoveAccountAsync(string address, CancellationToken cancellationToken)
    {
        string key = DirectoryKeys.Address(address);
        Response response = await _table.DeleteEntityAsync(DirectoryRows.DomainPartition(MailAddresses.DomainOf(key)),
            DirectoryRows.Account(MailAddresses.LocalPartOf(key)), ETag.All, cancellationToken).ConfigureAwait(false);
        return response.Status != TableErrors.NotFound;
    }

    public async Task<Account?> GetAccountAsync(string address, CancellationToken cancellationToken)
    {
        string key = DirectoryKeys.Address(address);
        NullableResponse<AccountEntity> row = await _table.GetEntityIfExistsAsync<AccountEntity>(
            DirectoryRows.DomainPartition(MailAddresses.DomainOf(key)), DirectoryRows.Account(MailAddresses.LocalPartOf(key)),
            cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue ? ToAccount(row.Value!) : null;
    }

    /// <summary>Sorted by address. With <paramref name="domain"/> null, scans the table (an admin operation).</summary>
    public async Task<IReadOnlyList<Account>> ListAccountsAsync(string? domain, CancellationToken cancellationToken)
    {
        string filter = domain is null
            ? TableQueries.AcrossPartitions(DirectoryRows.DomainPartitionPrefix, DirectoryRows.AccountPrefix)
            : TableQueries.RowPrefix(DirectoryRows.DomainPartition(DirectoryKeys.Domain(domain)), DirectoryRows.AccountPrefix);
        var accounts = new List<Account>();
        await foreach (AccountEntity row in _table.QueryAsync<AccountEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            accounts.Add(ToAccount(row));
        }
        accounts.Sort((a, b) => string.CompareOrdinal(a.Address, b.Address));
        return accounts;
    }

    /// <summary>Throws <see cref="DirectoryEntryNotFoundException"/> for an unknown account.</summary>
    public Task SetPasswordHashAsync(string address, string passwordHash, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(passwordHash);
        return MergeAccountAsync(address, nameof(AccountEntity.PasswordHash), passwordHash, cancellationToken);
    }

    /// <summary>
    /// Throws <see cref="DirectoryEntryNotFoundException"/> for an unknown account. One merge of the <c>Disabled</c> property
    /// (rows written before it existed have none: enabled).
    /// </summary>
    public Task SetDisabledAsync(string address, bool disabled, CancellationToken cancellationToken) =>
        MergeAccountAsync(address, nameof(AccountEntity.Disabled), disabled, cancellationToken);

    /// <summary>Sets one property of an existing account row (a merge, so the rest stays); unknown account → <see cref="DirectoryEntryNotFoundException"/>.</summary>
    private async Task MergeAccountAsync(string address, string property, object value, CancellationToken cancellationToken)
    {
        string key = DirectoryKeys.Address(address);
        var change = new TableEntity(DirectoryRows.DomainPartition(MailAddresses.DomainOf(key)), DirectoryRows.Account(MailAddresses.LocalPartOf(key)))
        {
            [property] = value,
        };
        try
        {
            await _table.UpdateEntityAsync(change, ETag.All, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == TableErrors.NotFound)
        {
            throw new DirectoryEntryNotFoundException($"Account '{key}' does not exist.");
        }
    }

    /// <summary>
    /// Throws <see cref="DirectoryEntryNotFoundException"/> for an unknown account. Reads the row and replaces it conditioned
    /// on its ETag (a limit to clear must be removed from the row, which a merge cannot do), retrying a lost race.
    /// </summary>
    public Task SetQuotaAsync(string address, AccountQuota quota, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(quota);
        quota.Validate();
        string key = DirectoryKeys.Address(address);
        string partition = DirectoryRows.DomainPartition(MailAddresses.DomainOf(key));
        string row = DirectoryRows.Account(MailAddresses.LocalPartOf(key));
        return _retry.RunAsync("SetQuota", key, async ct =>
        {
            NullableResponse<AccountEntity> current = await _table.GetEntityIfExistsAsync<AccountEntity>(partition, row, cancellationToken: ct).ConfigureAwait(false);
            AccountEntity account = current.HasValue ? current.Value! : throw new DirectoryEntryNotFoundException($"Account '{key}' does not exist.");
            account.QuotaStorageBytes = quota.StorageBytes;
            account.QuotaMessages = quota.Messages;
            try
            {
                await _table.UpdateEntityAsync(account, account.ETag, TableUpdateMode.Replace, ct).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (e.Status is TableErrors.PreconditionFailed or TableErrors.NotFound)
            {
                throw new ConcurrencyConflict("the account row changed or was removed", e);
            }
        }, Conflict, cancellationToken);
    }

    /// <summary>Idempotent. Throws <see cref="DirectoryEntryNotFoundException"/> when the alias's domain is not local.</summary>
    public Task AddAliasAsync(string alias, string target, CancellationToken cancellationToken)
    {
        string key = DirectoryKeys.Address(alias);
        string domain = DirectoryKeys.RequireDomainPart(key);
        string to = DirectoryKeys.Address(target);
        var row = new AliasEntity
        {
            PartitionKey = DirectoryRows.DomainPartition(domain),
            RowKey = DirectoryRows.Alias(MailAddresses.LocalPartOf(key), to),
            Alias = key,
            Target = to,
        };
        return _retry.RunAsync("AddAlias", domain,
            ct => WriteInDomainAsync(domain, new TableTransactionAction(TableTransactionActionType.UpsertReplace, row), ct),
            Conflict, cancellationToken);
    }

    /// <summary>Removes one target, or all targets when <paramref name="target"/> is null; false when nothing was removed.</summary>
    public async Task<bool> RemoveAliasAsync(string alias, string? target, CancellationToken cancellationToken)
    {
        string key = DirectoryKeys.Address(alias);
        string partition = DirectoryRows.DomainPartition(MailAddresses.DomainOf(key));
        string local = MailAddresses.LocalPartOf(key);
        if (target is not null)
        {
            Response response = await _table.DeleteEntityAsync(partition, DirectoryRows.Alias(local, DirectoryKeys.Address(target)), ETag.All, cancellationToken)
                .ConfigureAwait(false);
            return response.Status != TableErrors.NotFound;
        }
        var rows = new List<KeyOnlyRow>();
        await foreach (KeyOnlyRow row in _table.QueryAsync<KeyOnlyRow>(TableQueries.RowPrefix(partition, DirectoryRows.AliasTargets(local)),
                           select: KeyOnlyRow.Columns, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            rows.Add(row);
        }
        await _table.DeleteRowsAsync(rows, cancellationToken).ConfigureAwait(false);
        return rows.Count > 0;
    }

    /// <summary>Sorted by alias, then target. With <paramref name="domain"/> null, scans the table (an admin operation).</summary>
    public async Task<IReadOnlyList<Alias>> ListAliasesAsync(string? domain, CancellationToken cancellationToken)
    {
        string filter = domain is null
            ? TableQueries.AcrossPartitions(DirectoryRows.DomainPartitionPrefix, DirectoryRows.AliasPrefix)
            : TableQueries.RowPrefix(DirectoryRows.DomainPartition(DirectoryKeys.Domain(domain)), DirectoryRows.AliasPrefix);
        var aliases = new List<Alias>();
        await foreach (AliasEntity row in _table.QueryAsync<AliasEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            aliases.Add(new Alias(row.Alias, row.Target));
        }
        aliases.Sort((a, b) => string.CompareOrdinal(a.Address, b.Address) is var byAlias and not 0 ? byAlias : string.CompareOrdinal(a.Target, b.Target));
        return aliases;
    }

    /// <summary>Sorted; one partition query.</summary>
    public async Task<IReadOnlyList<string>> GetAliasTargetsAsync(string alias, CancellationToken cancellationToken)
    {
        string key = DirectoryKeys.Address(alias);
        string filter = TableQueries.RowPrefix(DirectoryRows.DomainPartition(MailAddresses.DomainOf(key)), DirectoryRows.AliasTargets(MailAddresses.LocalPartOf(key)));
        var targets = new List<string>();
        await foreach (AliasEntity row in _table.QueryAsync<AliasEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            targets.Add(row.Target);
        }
        targets.Sort(StringComparer.Ordinal);
        return targets;
    }

    /// <summary>
    /// Writes <paramref name="write"/> in one transaction with a touch of the domain row conditioned on the ETag
    /// just read. Throws <see cref="DirectoryEntryNotFoundException"/> when the domain is not local and
    /// <see cref="ConcurrencyConflict"/> when the domain row changed in between; other failures (e.g. 409 of
    /// an Add) propagate as <see cref="RequestFailedException"/>.
    /// </summary>
    private async Task WriteInDomainAsync(string domain, TableTransactionAction write, CancellationToken cancellationToken)
    {
        string partition = DirectoryRows.DomainPartition(domain);
        DomainEntity row = await FindDomainAsync(partition, cancellationToken).ConfigureAwait(false)
            ?? throw new DirectoryEntryNotFoundException($"Domain '{domain}' is not a local domain.");
        var touch = new TableTransactionAction(TableTransactionActionType.UpdateMerge, row, row.ETag);
        try
        {
            await _table.SubmitAsync([touch, write], cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status is TableErrors.PreconditionFailed or TableErrors.NotFound)
        {
            throw new ConcurrencyConflict("the domain row changed or was removed", e);
        }
    }

    private async Task<DomainEntity?> FindDomainAsync(string partition, CancellationToken cancellationToken)
    {
        NullableResponse<DomainEntity> row = await _table.GetEntityIfExistsAsync<DomainEntity>(partition, DirectoryRows.DomainRow,
            cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue ? row.Value : null;
    }

    private static Account ToAccount(AccountEntity row) => new(row.Address, row.PasswordHash, StoredTime.FromTicks(row.CreatedAtTicks),
        row.QuotaStorageBytes is null && row.QuotaMessages is null ? null : new AccountQuota(row.QuotaStorageBytes, row.QuotaMessages),
        row.Disabled == true);

    private static DirectoryConflictException Conflict(string message) => new(message);
}
