using Azure.Data.Tables;
using CloudMail.Core.Delivery;
using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Dkim;
using CloudMail.Core.Pipeline;
using CloudMail.Core.Queue;
using CloudMail.Functions.Tests.Support;
using CloudMail.Storage.Azure;
using CloudMail.Storage.Azure.Directory;
using CloudMail.Storage.Azure.KeyVault;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;

namespace CloudMail.Functions.Tests.Dkim;

/// <summary>
/// The outbound function over the real pipeline signing with a Key Vault key: the domain's DKIM rows live in the Azure
/// backend's table on Azurite (<see cref="AzureDkimKeyStore"/>), the key in <see cref="FakeKeyVault"/> (a FAKE vault over
/// real HTTPS on 127.0.23.1: no Key Vault emulator exists), reached through the same registration the Functions app uses
/// (<see cref="AzureStorageServiceCollectionExtensions.AddCloudMailKeyVaultKeys"/>). The delivered bytes are checked with
/// MimeKit's verifier against the public key read back from the row, as a receiver would with the published TXT record.
/// </summary>
public sealed class KeyVaultDkimOutboundTests : IAsyncLifetime
{
    private const string Remote = "friend@remote.example";
    private const string Token = "functions-kv-token";

    private readonly RecordingOutboundTransport _transport = new();
    private FakeKeyVault _vault = null!;
    private HttpClient _http = null!;
    private TableClient _table = null!;
    private FunctionsHarness _h = null!;

    public async Task InitializeAsync()
    {
        _vault = FakeKeyVault.Start(Token, "127.0.23.1");
        _http = _vault.TrustingClient();
        string azurite = await AzuriteProcess.ConnectionStringAsync("functions-tests");
        _table = new TableServiceClient(azurite).GetTableClient("dkim" + Guid.NewGuid().ToString("N"));
        await _table.CreateIfNotExistsAsync();
        _h = await FunctionsHarness.StartAsync(
            new Dictionary<string, string?> { ["CloudMail:Delivery:RetrySchedule:0"] = "00:10:00" },
            services =>
            {
                services.AddSingleton<IOutboundTransport>(_transport);
                services.AddSingleton<IDkimKeyStore>(new AzureDkimKeyStore(_table));
                services.AddSingleton(new KeyVaultKeyClient(_http, _vault.VaultUri, new FakeVaultToken(Token)));
                services.AddCloudMailKeyVaultKeys(_vault.VaultUri, new ConfigurationBuilder().Build().GetSection(AzureResourceNames.KeyVaultConnection.Name));
            });
    }

    public async Task DisposeAsync()
    {
        await _h.DisposeAsync();
        await _table.DeleteAsync();
        _http.Dispose();
        await _vault.DisposeAsync();
    }

    [Fact]
    public async Task Mail_is_signed_in_the_vault_with_one_sign_call_and_verifies_with_the_public_key_of_the_row()
    {
        DkimKey created = await _h.Get<IRemoteDkimKeyCreator>().CreateAsync(FunctionsHarness.Domain, "kv1", _h.Clock.GetUtcNow(), CancellationToken.None);
        await _h.Get<IDkimKeyStore>().AddAsync(created, CancellationToken.None);
        DkimKey row = Assert.Single(await _h.Get<IDkimKeyStore>().ListAsync(FunctionsHarness.Domain, CancellationToken.None));
        Assert.Equal("", row.PrivateKeyPem);
        Assert.StartsWith(_vault.VaultUri.AbsoluteUri + "keys/dkim-example-test-kv1/", row.RemoteKeyId, StringComparison.Ordinal);
        Assert.Equal(_vault.PublicKeyBase64, row.PublicKey);

        MailJob job = await OutboundJobAsync(await _h.NewUserAsync());
        Assert.Equal("complete", (await _h.RunOutboundAsync(_h.Message(job))).Single.Action);

        Assert.Equal(1, _vault.SignCalls);
        var (message, signatures) = Delivered(Assert.Single(_transport.Calls).Message);
        Header signature = Assert.Single(signatures);
        Assert.Contains("s=kv1", signature.Value, StringComparison.Ordinal);
        Assert.True(await Verifier(row).VerifyAsync(message, signature));
        Assert.Equal(DeliveryStatus.Delivered, Assert.Single(await _h.Get<IDeliveryLog>().GetAsync(job.MessageId, CancellationToken.None)).Status);
    }

    [Fact]
    public async Task A_PEM_row_from_before_the_vault_still_signs_next_to_a_vault_key()
    {
        DkimKey pem = DkimKeyGenerator.NewRsaKey(FunctionsHarness.Domain, "old", _h.Clock.GetUtcNow().AddDays(-30));
        await _h.Get<IDkimKeyStore>().AddAsync(pem, CancellationToken.None);
        DkimKey vaultKey = await _h.Get<IRemoteDkimKeyCreator>().CreateAsync(FunctionsHarness.Domain, "kv2", _h.Clock.GetUtcNow(), CancellationToken.None);
        await _h.Get<IDkimKeyStore>().AddAsync(vaultKey, CancellationToken.None);

        MailJob job = await OutboundJobAsync(await _h.NewUserAsync());
        Assert.Equal("complete", (await _h.RunOutboundAsync(_h.Message(job))).Single.Action);

        var (message, signatures) = Delivered(Assert.Single(_transport.Calls).Message);
        Assert.Equal(2, signatures.Count);
        foreach (DkimKey row in await _h.Get<IDkimKeyStore>().ListAsync(FunctionsHarness.Domain, CancellationToken.None))
        {
            Header signature = Assert.Single(signatures, s => s.Value.Contains("s=" + row.Selector + ";", StringComparison.Ordinal));
            Assert.True(await Verifier(row).VerifyAsync(message, signature), row.Selector);
        }
        Assert.Equal(1, _vault.SignCalls);
    }

    [Fact]
    public async Task A_vault_answering_503_is_a_transient_failure_retried_later_and_nothing_goes_out()
    {
        await AddVaultKeyAsync("kv3");
        MailJob job = await OutboundJobAsync(await _h.NewUserAsync());

        _vault.FailNextWith = 503;
        Assert.Equal("complete", (await _h.RunOutboundAsync(_h.Message(job))).Single.Action);

        Assert.Empty(_transport.Calls);
        var retry = Assert.Single(_h.RetriesSent(QueueNames.Outbound));
        Assert.Equal("complete", (await _h.RunOutboundAsync(FunctionsHarness.Received(retry))).Single.Action);
        var (message, signatures) = Delivered(Assert.Single(_transport.Calls).Message);
        Assert.True(await Verifier((await _h.Get<IDkimKeyStore>().ListAsync(FunctionsHarness.Domain, CancellationToken.None))[0]).VerifyAsync(message, Assert.Single(signatures)));
    }

    [Fact]
    public async Task A_disabled_vault_key_defers_the_message_instead_of_sending_it_unsigned()
    {
        await AddVaultKeyAsync("kv4");
        MailJob job = await OutboundJobAsync(await _h.NewUserAsync());

        _vault.Disabled = true;
        Assert.Equal("complete", (await _h.RunOutboundAsync(_h.Message(job))).Single.Action);

        Assert.Empty(_transport.Calls);
        var record = Assert.Single(await _h.Get<IDeliveryLog>().GetAsync(job.MessageId, CancellationToken.None));
        Assert.Equal((DeliveryStatus.Deferred, OutboundStage.SigningKeyUnavailableReply), (record.Status, record.LastReply));

        _vault.Disabled = false; // the operator re-enables the key: the scheduled retry delivers, signed
        _h.Clock.Advance(TimeSpan.FromMinutes(10));
        var retry = Assert.Single(await _h.TakeVisibleAsync(QueueNames.Outbound));
        Assert.Equal("complete", (await _h.RunOutboundAsync(_h.Message(retry))).Single.Action);
        Assert.Single(Delivered(Assert.Single(_transport.Calls).Message).Signatures);
    }

    private async Task AddVaultKeyAsync(string selector) => await _h.Get<IDkimKeyStore>().AddAsync(
        await _h.Get<IRemoteDkimKeyCreator>().CreateAsync(FunctionsHarness.Domain, selector, _h.Clock.GetUtcNow(), CancellationToken.None), CancellationToken.None);

    private async Task<MailJob> OutboundJobAsync(string sender)
    {
        var accepted = await _h.AcceptAsync(sender, Remote);
        return accepted with { JobId = accepted.MessageId + ":outbound", Recipients = [Remote] };
    }

    private static (MimeMessage Message, List<Header> Signatures) Delivered(byte[] bytes)
    {
        MimeMessage message = MimeMessage.Load(new MemoryStream(bytes));
        return (message, [.. message.Headers.Where(h => h.Id == HeaderId.DkimSignature)]);
    }

    private static DkimVerifier Verifier(DkimKey row) => new(new RowKey(DkimKeyGenerator.PublicKeyBase64(row)));

    private sealed class RowKey(string publicKeyBase64) : DkimPublicKeyLocatorBase
    {
        public override AsymmetricKeyParameter LocatePublicKey(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
            GetPublicKey("v=DKIM1; k=rsa; p=" + publicKeyBase64);

        public override Task<AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
            Task.FromResult(LocatePublicKey(methods, domain, selector, cancellationToken));
    }
}
