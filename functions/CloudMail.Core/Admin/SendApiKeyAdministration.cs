using CloudMail.Core.Directory;

namespace CloudMail.Core.Admin;

/// <summary>
/// Send API keys as <c>cloudmail apikey</c> and the admin API manage them: a key is created only for a local domain.
/// </summary>
public sealed class SendApiKeyAdministration(IMailDirectory directory, IApiKeyStore keys)
{
    /// <summary>Creates a key for the local domain <paramref name="domain"/>; throws <see cref="DirectoryEntryNotFoundException"/> when it is not local.</summary>
    public async Task<CreatedApiKey> CreateAsync(string domain, CancellationToken cancellationToken)
    {
        string name = DirectoryKeys.Domain(domain);
        if (!await directory.IsLocalDomainAsync(name, cancellationToken).ConfigureAwait(false))
            throw new DirectoryEntryNotFoundException($"{name} is not a local domain (add it with 'cloudmail domain add {name}')");
        return await keys.CreateAsync(name, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The keys of one domain, or of every local domain when <paramref name="domain"/> is null; oldest first within a domain.</summary>
    public async Task<IReadOnlyList<ApiKeyInfo>> ListAsync(string? domain, CancellationToken cancellationToken)
    {
        if (domain is not null) return await keys.ListAsync(DirectoryKeys.Domain(domain), cancellationToken).ConfigureAwait(false);
        var all = new List<ApiKeyInfo>();
        foreach (string name in await directory.ListDomainsAsync(cancellationToken).ConfigureAwait(false))
            all.AddRange(await keys.ListAsync(name, cancellationToken).ConfigureAwait(false));
        return all;
    }

    /// <summary>Revokes a key at once; false when there was none.</summary>
    public Task<bool> RevokeAsync(string keyId, CancellationToken cancellationToken) => keys.RevokeAsync((keyId ?? "").Trim(), cancellationToken);
}
