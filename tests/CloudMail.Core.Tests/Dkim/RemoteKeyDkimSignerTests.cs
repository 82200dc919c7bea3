using System.Security.Cryptography;
using System.Text;
using CloudMail.Core.Dkim;
using MimeKit;
using MimeKit.Cryptography;

namespace CloudMail.Core.Tests.Dkim;

/// <summary>
/// <see cref="RemoteKeyDkimSigner"/> signs through a digest-only signer; here the remote key is a .NET RSA key held by
/// the test (a stand-in for Key Vault's RS256 sign operation, not a Key Vault fake), and MimeKit's own
/// <see cref="DkimVerifier"/> checks the result against the public key alone.
/// </summary>
public sealed class RemoteKeyDkimSignerTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    private const string Message =
        "From: Alice <alice@a.test>\r\n" +
        "To: bob@b.test\r\n" +
        "Subject: Remote  key\r\n" +
        "Date: Fri, 04 Dec 2026 12:00:00 +0000\r\n" +
        "Message-ID: <kv1@a.test>\r\n" +
        "\r\n" +
        "Signed without the private key in this process.\r\n";

    [Fact]
    public async Task Signature_made_from_the_digest_alone_verifies_with_the_public_key()
    {
        using var rsa = RSA.Create(2048);
        var remote = new DigestOnlyRsa(rsa);
        MimeMessage message = MimeMessage.Load(new MemoryStream(Encoding.ASCII.GetBytes(Message)));
        var signer = new RemoteKeyDkimSigner(remote, "a.test", "kv2026", new StoppedClock(Now));

        await signer.SignAsync(FormatOptions.Default, message, ["From", "To", "Subject", "Date", "Message-ID"], CancellationToken.None);

        Assert.Equal(1, remote.Calls);
        Header header = message.Headers[message.Headers.IndexOf(HeaderId.DkimSignature)];
        Assert.Contains("a=rsa-sha256", header.Value, StringComparison.Ordinal);
        Assert.Contains("s=kv2026", header.Value, StringComparison.Ordinal);
        Assert.Contains("c=relaxed/relaxed", header.Value, StringComparison.Ordinal);
        var verifier = new DkimVerifier(new OnePublicKey(Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo())));
        Assert.True(await verifier.VerifyAsync(message, header));

        message.Subject = "tampered";
        Assert.False(await verifier.VerifyAsync(message, header));
    }

    [Fact]
    public async Task An_unreachable_remote_key_throws_to_the_caller_instead_of_returning_a_signature()
    {
        MimeMessage message = MimeMessage.Load(new MemoryStream(Encoding.ASCII.GetBytes(Message)));
        var signer = new RemoteKeyDkimSigner(new Unreachable(), "a.test", "kv2026", new StoppedClock(Now));

        // MimeKit has already prepended a DKIM-Signature with a placeholder b= when the sign call fails: callers must
        // discard the MimeMessage on an exception (DkimOutboundSigner only takes fields after SignAsync returns).
        var thrown = await Assert.ThrowsAsync<HttpRequestException>(() => signer.SignAsync(FormatOptions.Default, message, ["From"], CancellationToken.None));
        Assert.Equal("vault unreachable", thrown.Message);
    }

    [Fact]
    public void The_synchronous_MimeKit_sign_refuses_instead_of_writing_a_placeholder_signature()
    {
        MimeMessage message = MimeMessage.Load(new MemoryStream(Encoding.ASCII.GetBytes(Message)));
        var signer = new RemoteKeyDkimSigner(new Unreachable(), "a.test", "kv2026", new StoppedClock(Now));

        Assert.Throws<InvalidOperationException>(() => signer.Sign(message, [HeaderId.From]));
    }

    [Fact]
    public async Task Concurrent_signatures_each_get_their_own_digest()
    {
        using var rsa = RSA.Create(2048);
        var remote = new DigestOnlyRsa(rsa, delay: true);
        var signer = new RemoteKeyDkimSigner(remote, "a.test", "kv2026", new StoppedClock(Now));
        var verifier = new DkimVerifier(new OnePublicKey(Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo())));

        var messages = Enumerable.Range(0, 8).Select(i => MimeMessage.Load(new MemoryStream(Encoding.ASCII.GetBytes(Message.Replace("Remote  key", "n" + i, StringComparison.Ordinal))))).ToList();
        await Task.WhenAll(messages.Select(m => Task.Run(() => signer.SignAsync(FormatOptions.Default, m, ["From", "Subject"], CancellationToken.None))));

        foreach (MimeMessage m in messages)
            Assert.True(await verifier.VerifyAsync(m, m.Headers[m.Headers.IndexOf(HeaderId.DkimSignature)]));
    }

    private sealed class Unreachable : IRemoteDigestSigner
    {
        public Task<byte[]> SignSha256DigestAsync(byte[] sha256Digest, CancellationToken cancellationToken) =>
            Task.FromException<byte[]>(new HttpRequestException("vault unreachable"));
    }
}
