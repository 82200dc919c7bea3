using Azure.Data.Tables;
using CloudMail.Core.Directory;
using CloudMail.Core.Dkim;
using CloudMail.Listener.Hosting;
using CloudMail.Storage.Azure;
using CloudMail.Storage.Azure.KeyVault;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CloudMail.Listener.Tests.Azure;

/// <summary>
/// <c>cloudmail dkim generate</c> in Azure mode with <c>CloudMailKeyVault__vaultUri</c> set: the key is created in the
/// vault (a FAKE Key Vault over real HTTPS on 127.0.23.2, as no emulator exists) and the <c>dkimkeys</c> row on Azurite
/// keeps only the key id and public key; the printed TXT record publishes the vault key's public half. The services are
/// the Azure backend's registrations (<see cref="AzureStorageServiceCollectionExtensions.AddCloudMailAzureStorage"/>), with
/// the one difference that the vault client trusts the fake's self-signed certificate.
/// </summary>
public sealed class DkimVaultCommandsTests : IAsyncLifetime
{
    private const string Token = "admin-kv-token";

    private FakeKeyVault _vault = null!;
    private HttpClient _http = null!;
    private ServiceProvider _services = null!;
    private readonly string _domain = "kv" + Guid.NewGuid().ToString("N")[..8] + ".test";

    public async Task InitializeAsync()
    {
        _vault = FakeKeyVault.Start(Token, "127.0.23.2");
        _http = _vault.TrustingClient();
        string azurite = await AzuriteInstance.ConnectionStringAsync();
        var tables = new TableServiceClient(azurite);
        foreach (string table in new[] { AzureResourceNames.Tables.Directory, AzureResourceNames.Tables.DkimKeys }) await tables.CreateTableIfNotExistsAsync(table);
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [AzureResourceNames.StorageConnection.Name] = azurite,
            [AzureResourceNames.ToConfigurationKey(AzureResourceNames.KeyVaultConnection.VaultUri)] = _vault.VaultUri.AbsoluteUri,
        }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton(new KeyVaultKeyClient(_http, _vault.VaultUri, new FakeVaultToken(Token)));
        services.AddCloudMailAzureStorage(configuration);
        _services = services.BuildServiceProvider();
        await _services.GetRequiredService<IMailDirectory>().AddDomainAsync(_domain, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        _http.Dispose();
        await _vault.DisposeAsync();
    }

    private async Task<(int Exit, string Out, string Err)> RunAsync(params string[] words)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exit = await new DkimCommands(_services, output, error).RunAsync(words, CancellationToken.None);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Generate_creates_the_key_in_the_vault_and_the_row_holds_no_private_key()
    {
        var generated = await RunAsync("dkim", "generate", _domain, "--selector", "kv1");

        Assert.True(generated.Exit == 0, generated.Err);
        DkimKey row = Assert.Single(await _services.GetRequiredService<IDkimKeyStore>().ListAsync(_domain, CancellationToken.None));
        Assert.Equal("", row.PrivateKeyPem);
        Assert.Equal(_vault.PublicKeyBase64, row.PublicKey);
        Assert.StartsWith(_vault.VaultUri.AbsoluteUri + "keys/" + KeyVaultDigestSigners.KeyName(_domain, "kv1") + "/", row.RemoteKeyId, StringComparison.Ordinal);
        Assert.Contains("in the key vault", generated.Err, StringComparison.Ordinal);
        // The TXT record publishes the vault key's public half (joined back from its 255-character strings).
        Assert.StartsWith($"kv1._domainkey.{_domain}. IN TXT ", generated.Out, StringComparison.Ordinal);
        string text = string.Concat(generated.Out[generated.Out.IndexOf('"')..].Trim().Split('"', StringSplitOptions.RemoveEmptyEntries).Where(s => s.Trim().Length > 0));
        Assert.Equal("v=DKIM1; k=rsa; p=" + _vault.PublicKeyBase64, text);
        Assert.Contains("kv1  active", (await RunAsync("dkim", "list", _domain)).Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_taken_selector_is_refused_before_anything_is_made_in_the_vault_and_a_refusing_vault_fails_the_command()
    {
        Assert.Equal(0, (await RunAsync("dkim", "generate", _domain, "--selector", "kv2")).Exit);

        var again = await RunAsync("dkim", "generate", _domain, "--selector", "kv2");
        Assert.Equal(1, again.Exit);
        Assert.Contains("already has a DKIM key with selector kv2", again.Err, StringComparison.Ordinal);

        _vault.FailNextWith = 403;
        var refused = await RunAsync("dkim", "generate", _domain, "--selector", "kv3");
        Assert.Equal(1, refused.Exit);
        Assert.Contains("Key Vault Crypto Officer", refused.Err, StringComparison.Ordinal);
        Assert.Single(await _services.GetRequiredService<IDkimKeyStore>().ListAsync(_domain, CancellationToken.None));
    }
}
