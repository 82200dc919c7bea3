using CloudMail.Core.Directory;
using CloudMail.Core.Messages;

namespace CloudMail.Core.Admin;

/// <summary>
/// The domain and alias operations of <c>cloudmail domain|alias</c> and the admin API, with the input checks both make
/// before anything is written (so a refused request changes nothing): domain names by <see cref="DomainNames"/>,
/// aliases and targets by <see cref="MailAddresses.IsPlausible"/>. Throws <see cref="ArgumentException"/> for bad input,
/// and what <see cref="IMailDirectory"/> throws. <paramref name="resolver"/>: the host's, so that aliases are followed as
/// delivery follows them (one over <paramref name="directory"/> with default routing when the host has none).
/// </summary>
public sealed class DirectoryAdministration(IMailDirectory directory, RecipientResolver? resolver = null)
{
    private readonly RecipientResolver recipients = resolver ?? new RecipientResolver(directory);

    /// <summary>Adds a local domain (lower-cased). Returns false when it was local already (nothing changes).</summary>
    public async Task<bool> AddDomainAsync(string domain, CancellationToken cancellationToken)
    {
        string name = CheckedDomain(domain);
        if (await directory.IsLocalDomainAsync(name, cancellationToken).ConfigureAwait(false)) return false;
        await directory.AddDomainAsync(name, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Removes a local domain; false when there was none. Throws <see cref="DirectoryConflictException"/> while accounts or
    /// aliases of the domain remain.
    /// </summary>
    public Task<bool> RemoveDomainAsync(string domain, CancellationToken cancellationToken) =>
        directory.RemoveDomainAsync(DirectoryKeys.Domain(domain), cancellationToken);

    /// <summary>
    /// Adds <paramref name="alias"/> (an address, or <c>@domain</c> for a catch-all) → <paramref name="target"/> (any address),
    /// both lower-cased. Returns false when exactly that mapping existed already. Throws
    /// <see cref="DirectoryEntryNotFoundException"/> when the alias's domain is not local.
    /// </summary>
    public async Task<bool> AddAliasAsync(string alias, string target, CancellationToken cancellationToken)
    {
        string key = CheckedAlias(alias);
        string to = MailAddresses.Normalize(target ?? "");
        if (!MailAddresses.IsPlausible(to)) throw new ArgumentException($"'{target}' is not a valid address");
        var existing = await directory.GetAliasTargetsAsync(key, cancellationToken).ConfigureAwait(false);
        if (existing.Contains(to, StringComparer.OrdinalIgnoreCase)) return false;
        await directory.AddAliasAsync(key, to, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// What to tell whoever just pointed <paramref name="alias"/> at <paramref name="target"/> when mail to it cannot arrive:
    /// the target is of a local domain and reaches no account (no such account or alias, or aliases that only lead back to
    /// each other), so mail to the alias is refused at RCPT until it does; null when the target reaches an account or is
    /// remote. The alias is kept all the same: the account may come next.
    /// </summary>
    public async Task<string?> UnreachableTargetWarningAsync(string alias, string target, CancellationToken cancellationToken)
    {
        string to = MailAddresses.Normalize(target ?? "");
        if (!await recipients.IsLocalAddressAsync(to, cancellationToken).ConfigureAwait(false)) return null;
        if (!(await recipients.ResolveAsync(to, cancellationToken).ConfigureAwait(false)).IsEmpty) return null;
        return $"{to} is not an account here, nor an alias that leads to one: mail to {MailAddresses.Normalize(alias ?? "")} is refused "
            + "until it is (add the user, or point the alias elsewhere)";
    }

    /// <summary>Removes one target of an alias, or every target when <paramref name="target"/> is null; false when there was none.</summary>
    public Task<bool> RemoveAliasAsync(string alias, string? target, CancellationToken cancellationToken) =>
        directory.RemoveAliasAsync(MailAddresses.Normalize(alias ?? ""), target is null ? null : MailAddresses.Normalize(target), cancellationToken);

    /// <summary>
    /// The lower-cased domain, an internationalized one (<c>bücher.example</c>) in its A-label form
    /// (<c>xn--bcher-kva.example</c>, as addresses in it are kept: <see cref="MailAddresses.AsciiDomain"/>), or
    /// <see cref="ArgumentException"/> with the reason it is not a domain name.
    /// </summary>
    public static string CheckedDomain(string? domain)
    {
        string? given = domain?.Trim().TrimEnd('.');
        string? ascii = given is null ? null : MailAddresses.AsciiDomain(given);
        if (DomainNames.Problem(ascii) is not { } problem) return ascii!;
        throw new ArgumentException(given is not null && !System.Text.Ascii.IsValid(given)
            ? $"'{given}' is not a valid internationalized domain name (letters, digits and hyphens in each label)"
            : problem);
    }

    /// <summary>The lower-cased alias key (<c>local@domain</c> or <c>@domain</c>), or <see cref="ArgumentException"/>.</summary>
    private static string CheckedAlias(string? alias)
    {
        string key = MailAddresses.Normalize(alias ?? "");
        if (key.StartsWith('@')) return "@" + CheckedDomain(key[1..]);
        if (!MailAddresses.IsPlausible(key)) throw new ArgumentException($"'{alias}' is not a valid address or @domain");
        return key;
    }
}
