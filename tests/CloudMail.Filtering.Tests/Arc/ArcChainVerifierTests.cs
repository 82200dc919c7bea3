using System.Text;
using CloudMail.Filtering.Arc;
using CloudMail.Filtering.Dkim;
using MimeKit;
using MimeKit.Cryptography;

namespace CloudMail.Filtering.Tests.Arc;

/// <summary>ARC chains made as a forwarder makes them (MimeKit's ArcSigner with the test key) and checked as received.</summary>
public class ArcChainVerifierTests
{
    /// <summary>A forwarder that records what it saw in ARC-Authentication-Results (RFC 8617 §4.1.1).</summary>
    private sealed class Forwarder(string domain) : ArcSigner(new MemoryStream(Encoding.ASCII.GetBytes(TestSigning.PrivateKeyPem)), domain, "sel", DkimSignatureAlgorithm.RsaSha256)
    {
        private AuthenticationResults Results()
        {
            var results = new AuthenticationResults(Domain);
            results.Results.Add(new AuthenticationMethodResult("spf", "pass"));
            return results;
        }

        protected override AuthenticationResults GenerateArcAuthenticationResults(FormatOptions options, MimeMessage message, CancellationToken cancellationToken) => Results();

        protected override Task<AuthenticationResults> GenerateArcAuthenticationResultsAsync(FormatOptions options, MimeMessage message, CancellationToken cancellationToken) =>
            Task.FromResult(Results());
    }

    private static FakeDns Keys() => new FakeDns()
        .WithTxt("sel._domainkey.forwarder.test", TestSigning.KeyRecord)
        .WithTxt("sel._domainkey.second.test", TestSigning.KeyRecord);

    private static async Task<string> Verify(MimeMessage message)
    {
        var received = MimeMessage.Load(new MemoryStream(TestSigning.Bytes(message)));
        return (await new ArcChainVerifier(new DnsDkimPublicKeyLocator(Keys())).VerifyAsync(received, default)).Result;
    }

    private static MimeMessage Forwarded(params string[] hops)
    {
        var message = TestSigning.NewMessage();
        message.Prepare(EncodingConstraint.SevenBit);
        foreach (string hop in hops) new Forwarder(hop).Sign(message, [HeaderId.From, HeaderId.Subject, HeaderId.Date]);
        return message;
    }

    [Fact]
    public async Task A_message_without_arc_sets_is_none() => Assert.Equal("none", await Verify(TestSigning.NewMessage()));

    [Fact]
    public async Task A_chain_of_two_forwarders_passes() => Assert.Equal("pass", await Verify(Forwarded("forwarder.test", "second.test")));

    [Fact]
    public async Task A_body_changed_after_the_last_seal_fails()
    {
        var message = Forwarded("forwarder.test");
        ((TextPart)message.Body!).Text = "Changed after sealing.\r\n";
        Assert.Equal("fail", await Verify(message));
    }

    [Fact]
    public async Task A_seal_without_a_published_key_fails()
    {
        var message = Forwarded("unknown.test");
        Assert.Equal("fail", await Verify(message));
    }
}
