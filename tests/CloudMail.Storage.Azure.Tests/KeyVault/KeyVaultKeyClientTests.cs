using System.Text;
using CloudMail.Core.Dkim;
using CloudMail.Core.Failures;
using CloudMail.Storage.Azure.KeyVault;
using MimeKit;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;

namespace CloudMail.Storage.Azure.Tests.KeyVault;

/// <summary>
/// <see cref="KeyVaultKeyClient"/> against <see cref="FakeKeyVault"/> — a FAKE Key Vault over real HTTPS (no emulator
/// exists): the key is created, a message is DKIM-signed through the vault's sign operation, and MimeKit's
/// <see cref="DkimVerifier"/> checks the signature against the public key the create call returned.
/// </summary>
public sealed class KeyVaultKeyClientTests
{
    private const string Token = "test-token-kv2";

    private const string Message =
        "From: Alice <alice@a.test>\r\nTo: bob@b.test\r\nSubject: vault\r\nDate: Fri, 04 Dec 2026 12:00:00 +0000\r\n" +
        "Message-ID: <kv2@a.test>\r\n\r\nSigned by the vault.\r\n";

    [Fact]
    public async Task Created_key_signs_a_message_that_verifies_with_the_returned_public_key()
    {
        await using var vault = FakeKeyVault.Start(Token);
        using var http = vault.TrustingClient();
        var credential = new FakeVaultToken(Token);
        var client = new KeyVaultKeyClient(http, vault.VaultUri, credential);

        KeyVaultRsaKey key = await client.CreateRsaSigningKeyAsync("dkim-a-test", CancellationToken.None);
        var message = MimeMessage.Load(new MemoryStream(Encoding.ASCII.GetBytes(Message)));
        var signer = new RemoteKeyDkimSigner(client.SignerFor("dkim-a-test", key.Version), "a.test", "kv1", TimeProvider.System);
        await signer.SignAsync(FormatOptions.Default, message, ["From", "To", "Subject"], CancellationToken.None);

        Assert.Equal(1, vault.SignCalls);
        Assert.Equal([KeyVaultKeyClient.Scope], credential.Scopes.Distinct());
        var header = message.Headers[message.Headers.IndexOf(HeaderId.DkimSignature)];
        var verifier = new DkimVerifier(new OneKey(key.DkimPublicKeyBase64()));
        Assert.True(await verifier.VerifyAsync(message, header));
        message.Subject = "tampered";
        Assert.False(await verifier.VerifyAsync(message, header));
    }

    [Fact]
    public async Task Service_unavailable_is_transient_and_a_wrong_token_or_key_is_permanent()
    {
        await using var vault = FakeKeyVault.Start(Token);
        using var http = vault.TrustingClient();
        var client = new KeyVaultKeyClient(http, vault.VaultUri, new FakeVaultToken(Token));
        var key = await client.CreateRsaSigningKeyAsync("dkim-b-test", CancellationToken.None);
        var digest = new byte[32];

        vault.FailNextWith = 503;
        await Assert.ThrowsAsync<TransientStorageException>(() => client.SignSha256DigestAsync("dkim-b-test", key.Version, digest, CancellationToken.None));
        vault.FailNextWith = 429;
        await Assert.ThrowsAsync<TransientStorageException>(() => client.SignSha256DigestAsync("dkim-b-test", key.Version, digest, CancellationToken.None));

        Assert.Equal(404, (await Assert.ThrowsAsync<KeyVaultKeyException>(() => client.SignSha256DigestAsync("dkim-b-test", "nosuchversion", digest, CancellationToken.None))).StatusCode);
        var wrong = new KeyVaultKeyClient(http, vault.VaultUri, new FakeVaultToken("other-token"));
        Assert.Equal(401, (await Assert.ThrowsAsync<KeyVaultKeyException>(() => wrong.SignSha256DigestAsync("dkim-b-test", key.Version, digest, CancellationToken.None))).StatusCode);

        Assert.Equal(256, (await client.SignSha256DigestAsync("dkim-b-test", key.Version, digest, CancellationToken.None)).Length);
    }

    [Fact]
    public async Task A_certificate_the_client_does_not_trust_is_refused_as_a_network_failure()
    {
        await using var vault = FakeKeyVault.Start(Token);
        using var http = new HttpClient();
        var client = new KeyVaultKeyClient(http, vault.VaultUri, new FakeVaultToken(Token));

        await Assert.ThrowsAsync<TransientStorageException>(() => client.CreateRsaSigningKeyAsync("dkim-c-test", CancellationToken.None));
    }

    private sealed class OneKey(string publicKeyBase64) : DkimPublicKeyLocatorBase
    {
        public override AsymmetricKeyParameter LocatePublicKey(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
            GetPublicKey("v=DKIM1; k=rsa; p=" + publicKeyBase64);

        public override Task<AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
            Task.FromResult(LocatePublicKey(methods, domain, selector, cancellationToken));
    }
}
