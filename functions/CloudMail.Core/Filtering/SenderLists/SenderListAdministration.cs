using CloudMail.Core.Directory;
using CloudMail.Core.Messages;

namespace CloudMail.Core.Filtering.SenderLists;

/// <summary>
/// Adds, removes and lists sender-list entries for the CLI (<c>cloudmail allow|block</c>) and any other admin surface,
/// checking the input: the pattern must parse (<see cref="SenderPattern.TryParse"/>), and a domain or address scope must
/// belong to a local domain. Invalid input throws <see cref="ArgumentException"/> with a one-line message and changes
/// nothing. Tells the in-process <see cref="SenderListPolicy"/> to forget the scope it changed.
/// </summary>
public sealed class SenderListAdministration(ISenderListStore store, IMailDirectory directory, SenderListPolicy policy, TimeProvider time)
{
    /// <summary>Adds <paramref name="pattern"/> to <paramref name="scope"/>'s list of <paramref name="kind"/>; false when it was there already.</summary>
    public async Task<bool> AddAsync(string? scope, SenderListKind kind, string pattern, CancellationToken cancellationToken)
    {
        string key = await CheckedScopeAsync(scope, cancellationToken).ConfigureAwait(false);
        if (!SenderPattern.TryParse(pattern, out var parsed, out string error)) throw new ArgumentException(error, nameof(pattern));
        bool added = await store.AddAsync(new SenderListEntry(key, kind, parsed.Text, time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
        policy.Forget(key);
        return added;
    }

    /// <summary>Removes <paramref name="pattern"/> from <paramref name="scope"/>'s list of <paramref name="kind"/>; false when it was not there.</summary>
    public async Task<bool> RemoveAsync(string? scope, SenderListKind kind, string pattern, CancellationToken cancellationToken)
    {
        string key = SenderListScope.Normalize(scope);
        if (!SenderPattern.TryParse(pattern, out var parsed, out string error)) throw new ArgumentException(error, nameof(pattern));
        bool removed = await store.RemoveAsync(key, kind, parsed.Text, cancellationToken).ConfigureAwait(false);
        policy.Forget(key);
        return removed;
    }

    /// <summary>The entries of <paramref name="kind"/> in one scope, or in every scope when <paramref name="scope"/> is null.</summary>
    public async Task<IReadOnlyList<SenderListEntry>> ListAsync(string? scope, SenderListKind kind, CancellationToken cancellationToken)
    {
        var entries = scope is null
            ? await store.ListAllAsync(cancellationToken).ConfigureAwait(false)
            : await store.ListAsync(SenderListScope.Normalize(scope), cancellationToken).ConfigureAwait(false);
        return [.. entries.Where(e => e.Kind == kind)];
    }

    private async Task<string> CheckedScopeAsync(string? scope, CancellationToken cancellationToken)
    {
        string key = SenderListScope.Normalize(scope);
        if (key.Length == 0) return key;
        string domain = key.Contains('@') ? MailAddresses.DomainOf(key) : key;
        if (domain.Length == 0 || !await directory.IsLocalDomainAsync(domain, cancellationToken).ConfigureAwait(false))
            throw new ArgumentException($"{key} is not a local domain or an address in one", nameof(scope));
        return key;
    }
}
