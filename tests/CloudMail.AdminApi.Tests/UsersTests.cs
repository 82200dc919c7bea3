using System.Net;
using CloudMail.Core.Directory;
using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Infrastructure;
using MailKit.Net.Imap;
using MailKit.Security;
using static CloudMail.AdminApi.Tests.AdminApiServerFixture;

namespace CloudMail.AdminApi.Tests;

[Collection(AdminApiServerCollection.Name)]
public sealed class UsersTests(AdminApiServerFixture api)
{
    private static string NewAddress(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)] + "@" + TestServer.Domain;

    [Fact]
    public async Task A_user_created_through_the_api_can_log_in_over_imap_and_has_the_default_mailboxes()
    {
        string address = NewAddress("imap");

        var response = await api.SendAsync(HttpMethod.Post, "/api/v1/admin/users", new { address, password = Password });

        var created = await JsonAsync(response, HttpStatusCode.Created);
        Assert.Equal(address, created.GetProperty("address").GetString());
        Assert.Equal("/api/v1/admin/users/" + Uri.EscapeDataString(address), response.Headers.Location?.OriginalString);
        using var imap = await LoginAsync(address, Password);
        var folders = (await imap.GetFoldersAsync(imap.PersonalNamespaces[0])).Select(f => f.FullName).ToList();
        Assert.Contains("Sent", folders);
        Assert.Contains("Trash", folders);
    }

    [Fact]
    public async Task A_user_is_shown_and_listed_by_domain_without_its_password_hash()
    {
        string address = NewAddress("show");
        await api.SendAsync(HttpMethod.Post, "/api/v1/admin/users", new { address, password = Password });

        var shown = await JsonAsync(await api.SendAsync(HttpMethod.Get, "/api/v1/admin/users/" + address), HttpStatusCode.OK);
        var listed = await api.ListAllAsync("/api/v1/admin/users?domain=" + TestServer.Domain, 1000);

        Assert.Equal(address, shown.GetProperty("address").GetString());
        Assert.False(shown.TryGetProperty("passwordHash", out _));
        Assert.Contains(listed, u => u.GetProperty("address").GetString() == address);
    }

    [Fact]
    public async Task An_existing_address_is_409()
    {
        string address = NewAddress("dup");
        await api.SendAsync(HttpMethod.Post, "/api/v1/admin/users", new { address, password = Password });

        await ProblemAsync(await api.SendAsync(HttpMethod.Post, "/api/v1/admin/users", new { address, password = "another long password" }), HttpStatusCode.Conflict);

        using var imap = await LoginAsync(address, Password); // the first password still holds
    }

    [Fact]
    public async Task A_short_password_is_422_and_no_account_is_made()
    {
        string address = NewAddress("short");

        var problem = await ProblemAsync(await api.SendAsync(HttpMethod.Post, "/api/v1/admin/users", new { address, password = "short" }), HttpStatusCode.UnprocessableEntity);

        Assert.Contains("at least 12", problem.GetProperty("detail").GetString());
        Assert.Null(await api.Server.Get<IMailDirectory>().GetAccountAsync(address, CancellationToken.None));
    }

    [Theory]
    [InlineData("long enough\0password")]
    [InlineData("long enough\r\npassword")]
    [InlineData("long enough\tpassword")]
    public async Task A_password_with_a_control_character_is_422_and_no_account_is_made(string password)
    {
        // NUL separates SASL PLAIN's fields and CR LF end an IMAP quoted string: such a password could never log in everywhere.
        string address = NewAddress("control");

        var problem = await ProblemAsync(await api.SendAsync(HttpMethod.Post, "/api/v1/admin/users", new { address, password }), HttpStatusCode.UnprocessableEntity);

        Assert.Contains("control characters", problem.GetProperty("detail").GetString());
        Assert.Null(await api.Server.Get<IMailDirectory>().GetAccountAsync(address, CancellationToken.None));
    }

    [Theory]
    [InlineData("no-at-sign")]
    [InlineData("someone@not-local.test")]
    public async Task An_invalid_or_non_local_address_is_422(string address)
    {
        await ProblemAsync(await api.SendAsync(HttpMethod.Post, "/api/v1/admin/users", new { address, password = Password }), HttpStatusCode.UnprocessableEntity);

        Assert.Null(await api.Server.Get<IMailDirectory>().GetAccountAsync(address, CancellationToken.None));
    }

    [Fact]
    public async Task A_missing_password_is_422_naming_it()
    {
        var problem = await ProblemAsync(await api.SendAsync(HttpMethod.Post, "/api/v1/admin/users", new { address = NewAddress("nopw") }), HttpStatusCode.UnprocessableEntity);

        Assert.True(problem.GetProperty("errors").TryGetProperty("password", out _));
    }

    [Fact]
    public async Task A_password_reset_takes_effect_for_imap_logins()
    {
        string address = NewAddress("reset");
        await api.SendAsync(HttpMethod.Post, "/api/v1/admin/users", new { address, password = Password });
        const string newPassword = "a brand new passphrase";

        var response = await api.SendAsync(HttpMethod.Put, $"/api/v1/admin/users/{address}/password", new { password = newPassword });

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        using var imap = await LoginAsync(address, newPassword);
        await Assert.ThrowsAsync<AuthenticationException>(() => LoginAsync(address, Password));
    }

    [Fact]
    public async Task A_password_reset_of_an_unknown_user_is_404_and_a_short_one_422()
    {
        await ProblemAsync(await api.SendAsync(HttpMethod.Put, $"/api/v1/admin/users/{NewAddress("nobody")}/password", new { password = Password }), HttpStatusCode.NotFound);

        string address = NewAddress("shortreset");
        await api.SendAsync(HttpMethod.Post, "/api/v1/admin/users", new { address, password = Password });
        await ProblemAsync(await api.SendAsync(HttpMethod.Put, $"/api/v1/admin/users/{address}/password", new { password = "short" }), HttpStatusCode.UnprocessableEntity);
        using var imap = await LoginAsync(address, Password);
    }

    [Fact]
    public async Task A_removed_user_can_no_longer_log_in_and_is_404_after()
    {
        string address = NewAddress("gone");
        await api.SendAsync(HttpMethod.Post, "/api/v1/admin/users", new { address, password = Password });

        Assert.Equal(HttpStatusCode.NoContent, (await api.SendAsync(HttpMethod.Delete, "/api/v1/admin/users/" + Uri.EscapeDataString(address))).StatusCode);

        await Assert.ThrowsAsync<AuthenticationException>(() => LoginAsync(address, Password));
        await ProblemAsync(await api.SendAsync(HttpMethod.Get, "/api/v1/admin/users/" + address), HttpStatusCode.NotFound);
        await ProblemAsync(await api.SendAsync(HttpMethod.Delete, "/api/v1/admin/users/" + address), HttpStatusCode.NotFound);
    }

    private async Task<ImapClient> LoginAsync(string address, string password)
    {
        var imap = new ImapClient { ServerCertificateValidationCallback = (_, _, _, _) => true };
        try
        {
            await imap.ConnectAsync("127.0.0.1", api.Server.Port(EndpointKind.Imaps), SecureSocketOptions.SslOnConnect);
            await imap.AuthenticateAsync(address, password);
            return imap;
        }
        catch
        {
            imap.Dispose();
            throw;
        }
    }
}
