using CloudMail.Core.Admin;
using CloudMail.Core.Directory;
using CloudMail.Listener.Tests.Infrastructure;

namespace CloudMail.Listener.Tests.Hosting;

/// <summary><c>cloudmail admin-key create --scope ... | list | revoke</c> through the admin command dispatcher, as the CLI runs it.</summary>
public sealed class AdminKeyCommandsTests : IAsyncDisposable
{
    private readonly AdminHost _admin = new();

    public ValueTask DisposeAsync() => _admin.DisposeAsync();

    [Fact]
    public async Task Create_prints_only_the_key_which_verifies_with_its_scopes()
    {
        var (code, output, error) = await _admin.RunAsync("admin-key", "create", "--scope", "admin:write,admin:read");

        Assert.Equal(0, code);
        string key = output.Trim();
        Assert.StartsWith("cmadmin_", key);
        Assert.DoesNotContain('\n', key);
        Assert.Contains("cannot be shown again", error);
        var info = await _admin.Get<IAdminKeyStore>().VerifyAsync(key, CancellationToken.None);
        Assert.Equal([AdminScopes.Read, AdminScopes.Write], info?.Scopes);
    }

    [Fact]
    public async Task Repeated_scope_options_add_up()
    {
        var (code, output, _) = await _admin.RunAsync("admin-key", "create", "--scope", "admin:read", "--scope", "admin:write");

        Assert.Equal(0, code);
        Assert.Equal([AdminScopes.Read, AdminScopes.Write], (await _admin.Get<IAdminKeyStore>().VerifyAsync(output.Trim(), CancellationToken.None))?.Scopes);
    }

    [Theory]
    [InlineData("admin:root")]
    [InlineData(",")]
    public async Task An_unknown_or_empty_scope_fails_and_creates_nothing(string scope)
    {
        var (code, output, error) = await _admin.RunAsync("admin-key", "create", "--scope", scope);

        Assert.Equal(1, code);
        Assert.Empty(output);
        Assert.Contains("scope", error);
        Assert.Empty(await _admin.Get<IAdminKeyStore>().ListAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Create_without_a_scope_is_a_usage_error()
    {
        Assert.Equal(2, (await _admin.RunAsync("admin-key", "create")).Code);
        Assert.Equal(2, (await _admin.RunAsync("admin-key", "create", "admin:read")).Code);
    }

    [Fact]
    public async Task List_shows_ids_and_scopes_never_keys_and_revoke_stops_a_key()
    {
        string key = (await _admin.RunAsync("admin-key", "create", "--scope", "admin:read")).Out.Trim();
        string keyId = key.Substring("cmadmin_".Length, 16);

        var (_, listed, _) = await _admin.RunAsync("admin-key", "list");
        Assert.Contains(keyId + "  admin:read", listed);
        Assert.DoesNotContain(key, listed);

        Assert.Equal(0, (await _admin.RunAsync("admin-key", "revoke", keyId)).Code);
        Assert.Null(await _admin.Get<IAdminKeyStore>().VerifyAsync(key, CancellationToken.None));
        Assert.Equal(1, (await _admin.RunAsync("admin-key", "revoke", keyId)).Code);
    }

    [Fact]
    public async Task Domain_and_alias_commands_check_names_before_writing()
    {
        Assert.Equal(1, (await _admin.RunAsync("domain", "add", "not_a_domain")).Code);
        Assert.Empty(await _admin.Get<IMailDirectory>().ListDomainsAsync(CancellationToken.None));
        Assert.Equal(0, (await _admin.RunAsync("domain", "add", "Example.TEST")).Code);

        var (code, _, error) = await _admin.RunAsync("alias", "add", "a@example.test", "not an address");
        Assert.Equal(1, code);
        Assert.Contains("not a valid address", error);
        Assert.Empty(await _admin.Get<IMailDirectory>().ListAliasesAsync(null, CancellationToken.None));
    }
}
