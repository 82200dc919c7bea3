using System.Security.Cryptography;
using System.Text;
using CloudMail.Core.Dkim;
using MimeKit;
using MimeKit.Cryptography;

namespace CloudMail.Core.Tests.Dkim;

/// <summary>
/// ARC sealing of forwards with a key held elsewhere (<see cref="DkimKey.RemoteKeyId"/>): <see cref="ArcForwardSealer"/>
/// seals through a digest-only signer (a .NET RSA key held by the test, standing in for Key Vault's RS256 sign
/// operation), and MimeKit's own <see cref="ArcVerifier"/> checks the set against the public key alone.
/// </summary>
public sealed class RemoteKeyArcSignerTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 9, 0, 0, TimeSpan.Zero);

    private const string Message =
        "Authentication-Results: mx.fwd.test; spf=pass smtp.mailfrom=a.test; dkim=none; dmarc=none; arc=none\r\n" +
        "From: Alice <alice@a.test>\r\n" +
        "To: list@fwd.test\r\n" +
        "Subject: Forwarded  with a vault key\r\n" +
        "Date: Sat, 05 Dec 2026 08:59:00 +0000\r\n" +
        "Message-ID: <arc-kv@a.test>\r\n" +
        "\r\n" +
        "Sealed without the private key in this process.\r\n";

    private static async Task<(string? Seal, DigestOnlyRsa Remote, RSA Rsa)> SealAsync(string message)
    {
        var rsa = RSA.Create(2048);
        var remote = new DigestOnlyRsa(rsa);
        var keys = new InMemoryDkimKeyStore();
        await keys.AddAsync(DkimKey.Remote("fwd.test", "kv1", "https://vault.test/keys/dkim-fwd/1",
            Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo()), Now.AddDays(-1)), CancellationToken.None);
        var sealer = new ArcForwardSealer(keys, new StoppedClock(Now), "mx.fwd.test", remote);
        string? seal = await sealer.SealAsync(new MemoryStream(Encoding.ASCII.GetBytes(message)), "fwd.test", CancellationToken.None);
        return (seal, remote, rsa);
    }

    private static Task<ArcValidationResult> VerifyAsync(string sealedMessage, RSA rsa) =>
        new ArcVerifier(new OnePublicKey(Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo())))
            .VerifyAsync(MimeMessage.Load(new MemoryStream(Encoding.ASCII.GetBytes(sealedMessage))));

    [Fact]
    public async Task A_vault_key_seals_a_forward_with_two_remote_signatures_that_verify_with_the_public_key()
    {
        var (seal, remote, rsa) = await SealAsync(Message);
        using var _ = rsa;

        Assert.NotNull(seal);
        Assert.Equal(2, remote.Calls); // ARC-Message-Signature, then ARC-Seal over it
        Assert.Contains("ARC-Seal: i=1;", seal, StringComparison.Ordinal);
        Assert.Contains("cv=none", seal, StringComparison.Ordinal);
        Assert.DoesNotContain(new string('A', 40), seal.Replace("\r\n\t", "", StringComparison.Ordinal), StringComparison.Ordinal);
        var result = await VerifyAsync(seal + Message, rsa);
        Assert.Equal(ArcSignatureValidationResult.Pass, result.Chain);

        // The copy changed after sealing: the message signature no longer verifies.
        var tampered = await VerifyAsync(seal + Message.Replace("Forwarded  with", "Altered with", StringComparison.Ordinal), rsa);
        Assert.Equal(ArcSignatureValidationResult.Fail, tampered.Chain);
    }

    [Fact]
    public async Task Without_a_vault_on_this_host_a_vault_key_seals_nothing()
    {
        var keys = new InMemoryDkimKeyStore();
        await keys.AddAsync(DkimKey.Remote("fwd.test", "kv1", "https://vault.test/keys/dkim-fwd/1", "MIIB", Now), CancellationToken.None);
        var sealer = new ArcForwardSealer(keys, new StoppedClock(Now), "mx.fwd.test");
        Assert.Null(await sealer.SealAsync(new MemoryStream(Encoding.ASCII.GetBytes(Message)), "fwd.test", CancellationToken.None));
    }

    [Fact]
    public void MimeKits_synchronous_sign_refuses_a_vault_key()
    {
        using var rsa = RSA.Create(2048);
        var signer = new RemoteKeyArcSigner(new DigestOnlyRsa(rsa), "fwd.test", "kv1", new StoppedClock(Now), "mx.fwd.test");
        Assert.Throws<InvalidOperationException>(() => signer.Sign(MimeMessage.Load(new MemoryStream(Encoding.ASCII.GetBytes(Message))), [HeaderId.From]));
    }
}
