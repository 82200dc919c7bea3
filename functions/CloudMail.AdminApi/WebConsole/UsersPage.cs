using CloudMail.Core.Admin;
using CloudMail.Core.Directory;
using CloudMail.Core.Messages;

namespace CloudMail.AdminApi.WebConsole;

/// <summary>
/// <c>/admin/users</c>: every mailbox account, and a form that adds one with a password (<see cref="AccountAdministration.AddUserAsync"/>:
/// the password policy and default mailboxes, as <c>cloudmail user add</c> and <c>POST /api/v1/admin/users</c>).
/// </summary>
public sealed class UsersPage(IMailDirectory directory, AccountAdministration accounts) : IConsolePage
{
    public const string Path = "users";

    public (string Path, string Label) Navigation => (Path, "Users");

    public IEnumerable<ConsoleRoute> Routes =>
    [
        new("GET", Path, AdminScopes.Read, (call, ct) => ShowAsync(call, null, 200, ct)),
        new("POST", Path, AdminScopes.Write, AddAsync),
    ];

    private async Task<ConsoleResult> AddAsync(ConsoleCall call, CancellationToken ct)
    {
        string address = MailAddresses.Normalize(call.Field("address"));
        try
        {
            await accounts.AddUserAsync(address, call.Form["password"] ?? "", ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ArgumentException or DirectoryEntryNotFoundException or DirectoryConflictException)
        {
            return await ShowAsync(call, e.Message, e is DirectoryConflictException ? 409 : 422, ct).ConfigureAwait(false);
        }
        return ConsoleResult.Redirect(ConsoleLayout.Link(Path) + "?added=" + Uri.EscapeDataString(address));
    }

    private async Task<ConsoleResult> ShowAsync(ConsoleCall call, string? error, int status, CancellationToken ct)
    {
        var users = await directory.ListAccountsAsync(null, ct).ConfigureAwait(false);
        string? added = call.Query["added"];
        var list = users.Count == 0
            ? Html.Of($"<p class=\"empty\">No users yet.</p>")
            : Html.Of($"""
                <table class="users"><thead><tr><th>Address</th><th>Created</th></tr></thead><tbody>
                {Html.Join(users, u => Html.Of($"<tr><td>{u.Address}</td><td>{ConsoleFormat.Time(u.CreatedAt)}</td></tr>"))}
                </tbody></table>
                """);
        var form = Html.Of($"""
            <h2>Add a user</h2>
            <form method="post" action="{ConsoleLayout.Link(Path)}" class="inline">{ConsoleLayout.CsrfField(call.Session.Csrf)}
            <label for="address">Address</label> <input id="address" name="address" type="email" required placeholder="someone@example.org">
            <label for="password">Password</label> <input id="password" name="password" type="password" required autocomplete="new-password">
            <button type="submit">Add user</button></form>
            """);
        return call.Page("Users", Html.Of($"""
            {ConsoleLayout.Message("notice", added is null ? null : $"Added {added}.")}
            {ConsoleLayout.Message("error", error)}{list}{form}
            """), status);
    }
}
