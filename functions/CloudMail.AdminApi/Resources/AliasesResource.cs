using CloudMail.Core.Admin;
using CloudMail.Core.Directory;

namespace CloudMail.AdminApi.Resources;

/// <summary>
/// <c>/aliases</c>: list (optionally <c>?domain=</c>), add one alias → target mapping (409 when it exists, 422 when the
/// alias's domain is not local; a warning in the 201 body when the target reaches no account), remove one target (<c>?target=</c>) or every target of an alias.
/// </summary>
public sealed class AliasesResource(IMailDirectory directory, DirectoryAdministration admin) : IAdminResource
{
    public IEnumerable<AdminRoute> Routes =>
    [
        new("GET", "aliases", AdminScopes.Read, ListAsync),
        new("POST", "aliases", AdminScopes.Write, AddAsync),
        new("DELETE", "aliases/{alias}", AdminScopes.Write, RemoveAsync),
    ];

    private async Task<AdminApiResult> ListAsync(AdminCall call, CancellationToken ct)
    {
        string? domain = call.Query["domain"] is { } d ? DirectoryAdministration.CheckedDomain(d) : null;
        return call.Page(await directory.ListAliasesAsync(domain, ct).ConfigureAwait(false), a => a.Address + "\n" + a.Target, a => new AliasView(a.Address, a.Target));
    }

    private Task<AdminApiResult> AddAsync(AdminCall call, CancellationToken ct) =>
        call.WithBodyAsync<NewAlias>(b => [("alias", b.Alias), ("target", b.Target)], async body =>
        {
            bool added;
            try
            {
                added = await admin.AddAliasAsync(body.Alias!, body.Target!, ct).ConfigureAwait(false);
            }
            catch (DirectoryEntryNotFoundException e)
            {
                return AdminProblem.InvalidField("alias", e.Message);
            }
            var view = new AliasView(body.Alias!.Trim().ToLowerInvariant(), body.Target!.Trim().ToLowerInvariant());
            if (!added) return AdminProblem.Conflict($"{view.Alias} -> {view.Target} exists already.");
            string? warning = await admin.UnreachableTargetWarningAsync(body.Alias!, body.Target!, ct).ConfigureAwait(false);
            return AdminCall.Created(new AddedAliasView(view.Alias, view.Target, warning));
        }, ct);

    private async Task<AdminApiResult> RemoveAsync(AdminCall call, CancellationToken ct) =>
        await admin.RemoveAliasAsync(call["alias"], call.Query["target"], ct).ConfigureAwait(false)
            ? AdminApiResult.NoContent()
            : AdminProblem.NotFound(call.Query["target"] is { } target ? $"There is no alias {call["alias"]} -> {target}." : $"There is no alias {call["alias"]}.");
}
