using CloudMail.Core.Admin;
using CloudMail.Core.Directory;

namespace CloudMail.AdminApi.Resources;

/// <summary>
/// <c>/api-keys</c>: the send API's per-domain keys (<see cref="SendApiKeyAdministration"/>, as <c>cloudmail apikey</c>): list
/// (optionally <c>?domain=</c>), create (the key is in the 201 body this once; 422 when the domain is not local), revoke.
/// </summary>
public sealed class ApiKeysResource(SendApiKeyAdministration keys) : IAdminResource
{
    public IEnumerable<AdminRoute> Routes =>
    [
        new("GET", "api-keys", AdminScopes.Read, ListAsync),
        new("POST", "api-keys", AdminScopes.Write, CreateAsync),
        new("DELETE", "api-keys/{keyId}", AdminScopes.Write, RevokeAsync),
    ];

    private async Task<AdminApiResult> ListAsync(AdminCall call, CancellationToken ct)
    {
        string? domain = call.Query["domain"] is { } d ? DirectoryAdministration.CheckedDomain(d) : null;
        return call.Page(await keys.ListAsync(domain, ct).ConfigureAwait(false), k => k.KeyId, k => new ApiKeyView(k.KeyId, k.Domain, k.CreatedAt));
    }

    private Task<AdminApiResult> CreateAsync(AdminCall call, CancellationToken ct) =>
        call.WithBodyAsync<NewApiKey>(b => [("domain", b.Domain)], async body =>
        {
            CreatedApiKey created;
            try
            {
                created = await keys.CreateAsync(DirectoryAdministration.CheckedDomain(body.Domain), ct).ConfigureAwait(false);
            }
            catch (DirectoryEntryNotFoundException e)
            {
                return AdminProblem.InvalidField("domain", e.Message);
            }
            var info = created.Info;
            return AdminCall.Created(new CreatedApiKeyView(info.KeyId, info.Domain, info.CreatedAt, created.Key));
        }, ct);

    private async Task<AdminApiResult> RevokeAsync(AdminCall call, CancellationToken ct) =>
        await keys.RevokeAsync(call["keyId"], ct).ConfigureAwait(false) ? AdminApiResult.NoContent() : AdminProblem.NotFound($"There is no API key {call["keyId"]}.");
}
