using CloudMail.Core.Admin;
using CloudMail.Core.Directory;
using CloudMail.Core.SendApi;

namespace CloudMail.ContractTests;

/// <summary>
/// The <see cref="IAdminKeyStore"/> contract: a key is shown once, verifies with its scopes until revoked, is listed
/// without its secret; anything else presented (wrong secret, a send API key, garbage) verifies as nothing.
/// The store may hold other tests' keys: tests look for their own key ids.
/// </summary>
public abstract class AdminKeyStoreContractTests : ContractTest<IAdminKeyStore>
{
    protected IAdminKeyStore Keys => Subject;

    [Fact]
    public async Task A_created_key_verifies_with_its_scopes_sorted()
    {
        var created = await Keys.CreateAsync([AdminScopes.Write, AdminScopes.Read], Ct);

        Assert.StartsWith(ApiKeyFormat.AdminPrefix + created.Info.KeyId + "_", created.Key);
        var verified = await Keys.VerifyAsync(created.Key, Ct);
        Assert.Equal(created.Info.KeyId, verified?.KeyId);
        Assert.Equal([AdminScopes.Read, AdminScopes.Write], verified!.Scopes);
        Assert.Equal(created.Info.CreatedAt, verified.CreatedAt);
        Assert.True(verified.Has(AdminScopes.Write));
    }

    [Fact]
    public async Task A_created_key_is_listed_with_its_scopes_and_never_its_secret()
    {
        var created = await Keys.CreateAsync([AdminScopes.Read], Ct);

        var listed = Assert.Single(await Keys.ListAsync(Ct), k => k.KeyId == created.Info.KeyId);

        Assert.Equal([AdminScopes.Read], listed.Scopes);
        Assert.DoesNotContain(created.Key, listed.ToString());
        Assert.DoesNotContain(created.Key, created.ToString());
    }

    [Fact]
    public async Task A_wrong_secret_a_send_api_key_or_garbage_verifies_as_nothing()
    {
        var created = await Keys.CreateAsync([AdminScopes.Read], Ct);
        string wrongSecret = created.Key[..^4] + (created.Key.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");
        string asSendKey = ApiKeyFormat.Prefix + created.Key[ApiKeyFormat.AdminPrefix.Length..];

        Assert.Null(await Keys.VerifyAsync(wrongSecret, Ct));
        Assert.Null(await Keys.VerifyAsync(asSendKey, Ct));
        Assert.Null(await Keys.VerifyAsync("", Ct));
        Assert.Null(await Keys.VerifyAsync("cmadmin_' OR 1=1 --", Ct));
    }

    [Fact]
    public async Task A_revoked_key_stops_verifying_and_revoking_again_or_a_malformed_id_is_false()
    {
        var created = await Keys.CreateAsync([AdminScopes.Read, AdminScopes.Write], Ct);

        Assert.True(await Keys.RevokeAsync(created.Info.KeyId, Ct));

        Assert.Null(await Keys.VerifyAsync(created.Key, Ct));
        Assert.DoesNotContain(await Keys.ListAsync(Ct), k => k.KeyId == created.Info.KeyId);
        Assert.False(await Keys.RevokeAsync(created.Info.KeyId, Ct));
        Assert.False(await Keys.RevokeAsync("not-a-key-id", Ct));
    }
}
