using CloudMail.Core.Admin;
using CloudMail.Core.Directory;
using CloudMail.Core.DnsSetup;

namespace CloudMail.AdminApi.Resources;

/// <summary>
/// <c>/domains</c>: list, add (409 when local already), show, remove (409 while users or aliases remain), and the DNS check
/// of <c>cloudmail dns check</c> (<see cref="DomainDnsSetup"/>; 501 where no resolver is registered).
/// </summary>
public sealed class DomainsResource(IMailDirectory directory, DirectoryAdministration admin, DomainDnsSetup dns, IDnsRecordChecker? checker = null) : IAdminResource
{
    public IEnumerable<AdminRoute> Routes =>
    [
        new("GET", "domains", AdminScopes.Read, ListAsync),
        new("POST", "domains", AdminScopes.Write, AddAsync),
        new("GET", "domains/{name}", AdminScopes.Read, ShowAsync),
        new("DELETE", "domains/{name}", AdminScopes.Write, RemoveAsync),
        new("GET", "domains/{name}/dns", AdminScopes.Read, CheckDnsAsync),
    ];

    private async Task<AdminApiResult> ListAsync(AdminCall call, CancellationToken ct) =>
        call.Page(await directory.ListDomainsAsync(ct).ConfigureAwait(false), d => d, d => new DomainView(d));

    private Task<AdminApiResult> AddAsync(AdminCall call, CancellationToken ct) =>
        call.WithBodyAsync<NewDomain>(b => [("name", b.Name)], async body =>
        {
            string name = DirectoryAdministration.CheckedDomain(body.Name);
            if (!await admin.AddDomainAsync(name, ct).ConfigureAwait(false)) return AdminProblem.Conflict($"{name} is a local domain already.");
            return AdminCall.Created(new DomainView(name), "domains/" + Uri.EscapeDataString(name));
        }, ct);

    private async Task<AdminApiResult> ShowAsync(AdminCall call, CancellationToken ct)
    {
        string name = DirectoryKeys.Domain(call["name"]);
        return await directory.IsLocalDomainAsync(name, ct).ConfigureAwait(false) ? AdminCall.Ok(new DomainView(name)) : NotLocal(name);
    }

    private async Task<AdminApiResult> RemoveAsync(AdminCall call, CancellationToken ct) =>
        await admin.RemoveDomainAsync(call["name"], ct).ConfigureAwait(false) ? AdminApiResult.NoContent() : NotLocal(call["name"]);

    private async Task<AdminApiResult> CheckDnsAsync(AdminCall call, CancellationToken ct)
    {
        if (checker is null) return AdminProblem.NotImplemented("This server has no DNS resolver configured for checks.");
        string name = DirectoryKeys.Domain(call["name"]);
        if (await dns.CheckAsync(name, checker, ct).ConfigureAwait(false) is not { } statuses) return NotLocal(name);
        var records = statuses.Select(DnsRecordView.From).ToList();
        return AdminCall.Ok(new DnsCheckView(name, dns.HostName, records.All(r => r.State == DnsRecordState.Ok), records));
    }

    private static AdminProblem NotLocal(string name) => AdminProblem.NotFound($"{name} is not a local domain.");
}
