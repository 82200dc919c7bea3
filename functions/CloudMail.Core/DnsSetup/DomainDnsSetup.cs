using CloudMail.Core.Directory;
using CloudMail.Core.Dkim;

namespace CloudMail.Core.DnsSetup;

/// <summary>
/// <c>cloudmail dns records|check</c> and the admin API's DNS check: the records a local domain needs
/// (<see cref="MailDomainRecords"/> for this server's <see cref="MailServerIdentity"/> and the domain's DKIM keys) and how
/// the published ones compare (<see cref="IDnsRecordChecker"/>).
/// </summary>
public sealed class DomainDnsSetup(IMailDirectory directory, IDkimKeyStore dkimKeys, MailServerIdentity server)
{
    /// <summary>The host name the records point at.</summary>
    public string HostName => server.HostName;

    /// <summary>Every record <paramref name="domain"/> needs, or null when it is not a local domain.</summary>
    public async Task<IReadOnlyList<DnsRecordSpec>?> RecordsAsync(string domain, CancellationToken cancellationToken)
    {
        string name = DirectoryKeys.Domain(domain);
        if (!await directory.IsLocalDomainAsync(name, cancellationToken).ConfigureAwait(false)) return null;
        var keys = await dkimKeys.ListAsync(name, cancellationToken).ConfigureAwait(false);
        return MailDomainRecords.For(name, server.HostName, server.Ports, keys, server.MtaSts);
    }

    /// <summary>Each needed record with what <paramref name="checker"/> found, or null when <paramref name="domain"/> is not local.</summary>
    public async Task<IReadOnlyList<DnsRecordStatus>?> CheckAsync(string domain, IDnsRecordChecker checker, CancellationToken cancellationToken)
    {
        if (await RecordsAsync(domain, cancellationToken).ConfigureAwait(false) is not { } records) return null;
        return await checker.CheckAsync(records, cancellationToken).ConfigureAwait(false);
    }
}
