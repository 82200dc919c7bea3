using CloudMail.Core.Directory;
using CloudMail.Core.Mailboxes;
using CloudMail.Core.Messages;
using Microsoft.Extensions.Options;

namespace CloudMail.Core.Quotas;

/// <summary>
/// The one quota decision of both hosts (RFC 9208): an account's limits are its own (<see cref="Account.Quota"/>) where
/// set, else <see cref="QuotaOptions"/>' defaults; its usage is the mailbox index's counters
/// (<see cref="IMailboxIndex.GetQuotaUsageAsync"/>, kept with every write, so a check is one directory read — cached by the
/// serving hosts — and one small index read; none when the account is unlimited). Used by IMAP, SMTP RCPT, the inbound
/// stage and the admin commands. The check and the write that follows are not one transaction: writers racing for the
/// last free bytes may each pass and overshoot the limit by what they write at that moment (a soft limit, as in most
/// servers); the next write is refused.
/// </summary>
public sealed class MailboxQuotas(IMailDirectory directory, IMailboxIndex mailboxes, IOptions<QuotaOptions> options)
{
    /// <summary>The limits that apply to <paramref name="account"/>: its own, else the defaults.</summary>
    public QuotaLimits LimitsOf(Account account)
    {
        ArgumentNullException.ThrowIfNull(account);
        QuotaOptions o = options.Value;
        return new QuotaLimits(account.Quota?.StorageBytes ?? o.DefaultStorageBytes, account.Quota?.Messages ?? o.DefaultMessages);
    }

    /// <summary>Limits and usage of <paramref name="address"/>, or null when it is no account.</summary>
    public async Task<QuotaStatus?> GetStatusAsync(string address, CancellationToken cancellationToken)
    {
        Account? account = await directory.GetAccountAsync(MailAddresses.Normalize(address), cancellationToken).ConfigureAwait(false);
        if (account is null) return null;
        QuotaLimits limits = LimitsOf(account);
        QuotaUsage usage = await mailboxes.GetQuotaUsageAsync(account.Address, cancellationToken).ConfigureAwait(false);
        return new QuotaStatus(limits, usage);
    }

    /// <summary>
    /// True when <paramref name="address"/> may receive <paramref name="bytes"/> more bytes in <paramref name="messages"/>
    /// messages; an unlimited account is not asked for its usage, and an unknown one is allowed (the write itself fails).
    /// </summary>
    public async Task<bool> AllowsAsync(string address, long bytes, long messages, CancellationToken cancellationToken)
    {
        Account? account = await directory.GetAccountAsync(MailAddresses.Normalize(address), cancellationToken).ConfigureAwait(false);
        if (account is null) return true;
        QuotaLimits limits = LimitsOf(account);
        if (limits.IsUnlimited) return true;
        QuotaUsage usage = await mailboxes.GetQuotaUsageAsync(account.Address, cancellationToken).ConfigureAwait(false);
        return new QuotaStatus(limits, usage).Allows(bytes, messages);
    }

    /// <summary>True when <paramref name="address"/> is an account whose quota is used up (<see cref="QuotaStatus.IsFull"/>).</summary>
    public async Task<bool> IsFullAsync(string address, CancellationToken cancellationToken)
    {
        Account? account = await directory.GetAccountAsync(MailAddresses.Normalize(address), cancellationToken).ConfigureAwait(false);
        if (account is null) return false;
        QuotaLimits limits = LimitsOf(account);
        if (limits.IsUnlimited) return false;
        QuotaUsage usage = await mailboxes.GetQuotaUsageAsync(account.Address, cancellationToken).ConfigureAwait(false);
        return new QuotaStatus(limits, usage).IsFull;
    }

    /// <summary>
    /// True when a recipient that resolved to <paramref name="resolution"/> should be refused for now: it reaches local
    /// mailboxes only (no forward would take the message) and every one of them is full. SMTP RCPT answers 452 4.2.2.
    /// </summary>
    public async Task<bool> RefusesAsync(Resolution resolution, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resolution);
        if (resolution.LocalAccounts.Count == 0 || resolution.RemoteAddresses.Count > 0) return false;
        foreach (string account in resolution.LocalAccounts)
            if (!await IsFullAsync(account, cancellationToken).ConfigureAwait(false)) return false;
        return true;
    }

    /// <summary>
    /// Changes the limits of <paramref name="address"/>: <paramref name="change"/> gets the account's current own limits
    /// and returns the new ones (e.g. <c>q =&gt; q with { StorageBytes = 2L &lt;&lt; 30 }</c>). Returns the new status.
    /// Throws <see cref="DirectoryEntryNotFoundException"/> for an unknown account and
    /// <see cref="ArgumentOutOfRangeException"/> for a negative limit.
    /// </summary>
    public async Task<QuotaStatus> ChangeLimitsAsync(string address, Func<AccountQuota, AccountQuota> change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        string key = MailAddresses.Normalize(address);
        Account account = await directory.GetAccountAsync(key, cancellationToken).ConfigureAwait(false)
            ?? throw new DirectoryEntryNotFoundException($"Account '{key}' does not exist.");
        AccountQuota quota = change(account.Quota ?? AccountQuota.Default);
        quota.Validate();
        await directory.SetQuotaAsync(key, quota, cancellationToken).ConfigureAwait(false);
        QuotaUsage usage = await mailboxes.GetQuotaUsageAsync(key, cancellationToken).ConfigureAwait(false);
        return new QuotaStatus(LimitsOf(account with { Quota = quota }), usage);
    }
}
