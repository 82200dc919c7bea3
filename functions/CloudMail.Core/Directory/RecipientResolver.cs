using System.Collections.Concurrent;
using CloudMail.Core.Messages;
using CloudMail.Core.Routing;
using Microsoft.Extensions.Options;

namespace CloudMail.Core.Directory;

/// <summary>Where mail for one RCPT address goes after alias expansion.</summary>
/// <param name="LocalAccounts">Local accounts that receive a copy (deduplicated).</param>
/// <param name="RemoteAddresses">Non-local addresses the aliases forward to.</param>
public sealed record Resolution(IReadOnlyList<string> LocalAccounts, IReadOnlyList<string> RemoteAddresses)
{
    public bool IsEmpty => LocalAccounts.Count == 0 && RemoteAddresses.Count == 0;
}

/// <summary>
/// Expands a recipient address into local accounts and forward addresses. For an address of a local domain: the exact
/// account and alias first; else, for an SRS address (<see cref="SrsRewriter"/>), the original sender as a forward when
/// it verifies and nothing when it does not; else the address without its plus tag (<see cref="PlusAddress"/>,
/// <see cref="RoutingOptions.PlusSeparator"/>: account and alias); else the domain's catch-all (<c>@domain</c>); else, for
/// <c>postmaster</c> (any case), the postmaster every domain must have (RFC 5321 §4.5.1): <see cref="RoutingOptions.Postmaster"/>,
/// or the domain's oldest account, or the oldest account of the server. Alias chains are followed up to
/// <see cref="MaxDepth"/> levels; cycles stop silently.
/// </summary>
/// <param name="directory">Domains, accounts and aliases.</param>
/// <param name="options">The plus separator.</param>
/// <param name="srs">Verifies SRS addresses; null treats them as ordinary addresses.</param>
public sealed class RecipientResolver(IMailDirectory directory, IOptions<RoutingOptions> options, SrsRewriter? srs)
{
    public const int MaxDepth = 8;

    /// <summary>A resolver with the default <see cref="RoutingOptions"/> and no SRS (tests and tools).</summary>
    public RecipientResolver(IMailDirectory directory) : this(directory, Options.Create(new RoutingOptions()), null)
    {
    }

    /// <summary>
    /// <paramref name="address"/> without its plus tag (<see cref="RoutingOptions.PlusSeparator"/>), or null when it has
    /// none or plus-addressing is off: the address the tagged one delivers to.
    /// </summary>
    public string? WithoutPlusTag(string address) => PlusAddress.Strip(address, options.Value.PlusSeparator);

    /// <summary>Resolves <paramref name="address"/>. An unknown local address yields an empty resolution.</summary>
    public Task<Resolution> ResolveAsync(string address, CancellationToken cancellationToken) =>
        ResolveAsync(address, null, cancellationToken);

    /// <summary>
    /// Resolves <paramref name="address"/>, reusing an earlier answer for the same address from
    /// <paramref name="cache"/> (when given) instead of asking the directory again. A failed lookup is cached
    /// too: every job sharing the cache then fails the same way and is retried with a fresh one.
    /// </summary>
    public Task<Resolution> ResolveAsync(string address, ResolutionCache? cache, CancellationToken cancellationToken)
    {
        if (cache is null) return ResolveUncachedAsync(address, cancellationToken);
        return cache.Resolutions.GetOrAdd(MailAddresses.Normalize(address), a => ResolveUncachedAsync(a, cancellationToken));
    }

    /// <summary>True when the address's domain is one of ours; answered from <paramref name="cache"/> when it knows the domain.</summary>
    public Task<bool> IsLocalAddressAsync(string address, ResolutionCache? cache, CancellationToken cancellationToken)
    {
        if (cache is null) return IsLocalAddressAsync(address, cancellationToken);
        string domain = MailAddresses.DomainOf(address);
        return cache.LocalDomains.GetOrAdd(domain.ToLowerInvariant(), d => directory.IsLocalDomainAsync(d, cancellationToken));
    }

    private async Task<Resolution> ResolveUncachedAsync(string address, CancellationToken cancellationToken)
    {
        var local = new List<string>();
        var remote = new List<string>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        await ExpandAsync(MailAddresses.Normalize(address), 0, local, remote, seen, cancellationToken).ConfigureAwait(false);
        return new Resolution(local, remote);
    }

    /// <summary>True when the address's domain is one of ours.</summary>
    public Task<bool> IsLocalAddressAsync(string address, CancellationToken cancellationToken) =>
        directory.IsLocalDomainAsync(MailAddresses.DomainOf(address), cancellationToken);

    private async Task ExpandAsync(string address, int depth, List<string> local, List<string> remote,
        HashSet<string> seen, CancellationToken ct)
    {
        if (depth > MaxDepth || !seen.Add(address)) return;
        string domain = MailAddresses.DomainOf(address);
        if (!await directory.IsLocalDomainAsync(domain, ct).ConfigureAwait(false))
        {
            if (depth > 0) remote.Add(address);
            return;
        }
        var (account, targets) = await LookUpAsync(address, ct).ConfigureAwait(false);
        if (account is null && targets.Count == 0)
        {
            var reversal = srs?.Reverse(address) ?? new SrsReversal(SrsVerdict.NotSrs);
            if (reversal.Verdict == SrsVerdict.Valid)
            {
                await ExpandAsync(MailAddresses.Normalize(reversal.Address!), depth + 1, local, remote, seen, ct).ConfigureAwait(false);
                return;
            }
            if (reversal.Verdict != SrsVerdict.NotSrs) return; // forged or expired: no such recipient
            if (PlusAddress.Strip(address, options.Value.PlusSeparator) is { } stripped)
                (account, targets) = await LookUpAsync(stripped, ct).ConfigureAwait(false);
        }
        if (account is not null && !local.Contains(account.Address)) local.Add(account.Address);
        if (account is null && targets.Count == 0)
            targets = await directory.GetAliasTargetsAsync("@" + domain, ct).ConfigureAwait(false);
        if (account is null && targets.Count == 0 && IsPostmaster(address))
            targets = await PostmasterOfAsync(domain, ct).ConfigureAwait(false);
        foreach (string target in targets)
            await ExpandAsync(MailAddresses.Normalize(target), depth + 1, local, remote, seen, ct).ConfigureAwait(false);
    }

    /// <summary>RFC 5321 §4.5.1: the local part "postmaster" is case-insensitive.</summary>
    private static bool IsPostmaster(string address) =>
        address.Length > 11 && address.StartsWith("postmaster@", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Where <c>postmaster@</c><paramref name="domain"/> goes when nothing names it: the configured address, else the
    /// domain's oldest account, else the server's oldest (on a fresh install, the first user the administrator added).
    /// Empty when the server has no account at all.
    /// </summary>
    private async Task<IReadOnlyList<string>> PostmasterOfAsync(string domain, CancellationToken ct)
    {
        if (options.Value.Postmaster.Length > 0) return [options.Value.Postmaster];
        var oldest = (await directory.ListAccountsAsync(domain, ct).ConfigureAwait(false)).MinBy(a => a.CreatedAt)
            ?? (await directory.ListAccountsAsync(null, ct).ConfigureAwait(false)).MinBy(a => a.CreatedAt);
        return oldest is null ? [] : [oldest.Address];
    }

    /// <summary>The account named <paramref name="address"/> and the alias targets of exactly that address.</summary>
    private async Task<(Account? Account, IReadOnlyList<string> Targets)> LookUpAsync(string address, CancellationToken ct)
    {
        var account = await directory.GetAccountAsync(address, ct).ConfigureAwait(false);
        var targets = await directory.GetAliasTargetsAsync(address, ct).ConfigureAwait(false);
        return (account, targets);
    }
}

/// <summary>
/// Answers of <see cref="RecipientResolver"/> kept for a short, caller-defined scope — the embedded worker uses one
/// per leased batch of jobs — so that many messages to the same recipients cost one set of directory lookups.
/// Within the scope the directory is read as of the first lookup; a change made meanwhile (a new alias, a removed
/// account) applies from the next scope on, as if the jobs had been processed a moment earlier. Thread-safe.
/// </summary>
public sealed class ResolutionCache
{
    internal ConcurrentDictionary<string, Task<Resolution>> Resolutions { get; } = new(StringComparer.Ordinal);

    internal ConcurrentDictionary<string, Task<bool>> LocalDomains { get; } = new(StringComparer.Ordinal);
}
