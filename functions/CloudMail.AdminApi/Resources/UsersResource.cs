using CloudMail.Core.Admin;
using CloudMail.Core.Directory;
using CloudMail.Core.Messages;

namespace CloudMail.AdminApi.Resources;

/// <summary>
/// <c>/users</c>: list (optionally <c>?domain=</c>), create with a password (<see cref="AccountAdministration"/>: the password
/// policy, default mailboxes; 409 when the address is taken, 422 when its domain is not local), show, set the password,
/// remove (the account and its mail, as <c>cloudmail user remove</c>), disable and enable (<c>POST .../disable</c>,
/// <c>POST .../enable</c>, as <c>cloudmail user disable|enable</c>: 204, idempotent, 404 for an unknown user).
/// </summary>
public sealed class UsersResource(IMailDirectory directory, AccountAdministration accounts) : IAdminResource
{
    public IEnumerable<AdminRoute> Routes =>
    [
        new("GET", "users", AdminScopes.Read, ListAsync),
        new("POST", "users", AdminScopes.Write, CreateAsync),
        new("GET", "users/{address}", AdminScopes.Read, ShowAsync),
        new("PUT", "users/{address}/password", AdminScopes.Write, SetPasswordAsync),
        new("DELETE", "users/{address}", AdminScopes.Write, RemoveAsync),
        new("POST", "users/{address}/disable", AdminScopes.Write, (call, ct) => SetDisabledAsync(call, true, ct)),
        new("POST", "users/{address}/enable", AdminScopes.Write, (call, ct) => SetDisabledAsync(call, false, ct)),
    ];

    private async Task<AdminApiResult> ListAsync(AdminCall call, CancellationToken ct)
    {
        string? domain = call.Query["domain"] is { } d ? DirectoryAdministration.CheckedDomain(d) : null;
        return call.Page(await directory.ListAccountsAsync(domain, ct).ConfigureAwait(false), a => a.Address, View);
    }

    private Task<AdminApiResult> CreateAsync(AdminCall call, CancellationToken ct) =>
        call.WithBodyAsync<NewUser>(b => [("address", b.Address), ("password", b.Password)], async body =>
        {
            string address = MailAddresses.Normalize(body.Address!);
            try
            {
                await accounts.AddUserAsync(address, body.Password!, ct).ConfigureAwait(false);
            }
            catch (DirectoryEntryNotFoundException e)
            {
                return AdminProblem.InvalidField("address", e.Message);
            }
            var account = await directory.GetAccountAsync(address, ct).ConfigureAwait(false);
            return AdminCall.Created(account is null ? new UserView(address, default, false) : View(account), "users/" + Uri.EscapeDataString(address));
        }, ct);

    private async Task<AdminApiResult> ShowAsync(AdminCall call, CancellationToken ct) =>
        await directory.GetAccountAsync(MailAddresses.Normalize(call["address"]), ct).ConfigureAwait(false) is { } account
            ? AdminCall.Ok(View(account))
            : NoSuchUser(call["address"]);

    private Task<AdminApiResult> SetPasswordAsync(AdminCall call, CancellationToken ct) =>
        call.WithBodyAsync<NewPassword>(b => [("password", b.Password)], async body =>
        {
            await accounts.SetPasswordAsync(call["address"], body.Password!, ct).ConfigureAwait(false);
            return AdminApiResult.NoContent();
        }, ct);

    private async Task<AdminApiResult> RemoveAsync(AdminCall call, CancellationToken ct) =>
        await accounts.RemoveUserAsync(call["address"], ct).ConfigureAwait(false) ? AdminApiResult.NoContent() : NoSuchUser(call["address"]);

    private async Task<AdminApiResult> SetDisabledAsync(AdminCall call, bool disabled, CancellationToken ct)
    {
        try
        {
            await accounts.SetDisabledAsync(call["address"], disabled, ct).ConfigureAwait(false);
        }
        catch (DirectoryEntryNotFoundException)
        {
            return NoSuchUser(call["address"]);
        }
        return AdminApiResult.NoContent();
    }

    private static UserView View(Account account) => new(account.Address, account.CreatedAt, account.Disabled);

    private static AdminProblem NoSuchUser(string address) => AdminProblem.NotFound($"There is no user {address}.");
}
