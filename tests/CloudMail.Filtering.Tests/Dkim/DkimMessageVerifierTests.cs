using CloudMail.Core.Dkim;
using CloudMail.Filtering.Dkim;
using MimeKit;

namespace CloudMail.Filtering.Tests.Dkim;

public class DkimMessageVerifierTests
{
    private static FakeDns KeyDns() => new FakeDns().WithTxt("sel._domainkey.sender.test", TestSigning.KeyRecord);

    private static async Task<IReadOnlyList<DkimResult>> Verify(MimeMessage message, FakeDns dns, TimeProvider? time = null)
    {
        // Verified as received: parsed again from the bytes that went over the wire.
        var received = MimeMessage.Load(new MemoryStream(TestSigning.Bytes(message)));
        return await new DkimMessageVerifier(new DnsDkimPublicKeyLocator(dns), time ?? TimeProvider.System).VerifyAsync(received, default);
    }

    [Fact]
    public async Task A_good_signature_passes_with_its_domain_and_selector()
    {
        var message = TestSigning.NewMessage();
        TestSigning.Sign(message);
        var result = Assert.Single(await Verify(message, KeyDns()));
        Assert.Equal(("pass", "sender.test", "sel", false), (result.Result, result.Domain, result.Selector, result.BodyLengthLimited));
    }

    [Fact]
    public async Task A_changed_body_fails()
    {
        var message = TestSigning.NewMessage();
        TestSigning.Sign(message);
        ((TextPart)message.Body!).Text = "Changed on the way.\r\n";
        Assert.Equal("fail", Assert.Single(await Verify(message, KeyDns())).Result);
    }

    [Fact]
    public async Task Each_of_several_signatures_gets_its_own_result()
    {
        var message = TestSigning.NewMessage();
        TestSigning.Sign(message);
        TestSigning.Sign(message, "other.test", "gone"); // no key published: permerror
        var results = await Verify(message, KeyDns());
        Assert.Equal(2, results.Count);
        Assert.Contains(results, r => r is { Result: "pass", Domain: "sender.test" });
        Assert.Contains(results, r => r is { Result: "permerror", Domain: "other.test" });
    }

    [Fact]
    public async Task An_expired_signature_fails()
    {
        var message = TestSigning.NewMessage();
        TestSigning.Sign(message, expiresAfter: TimeSpan.FromHours(1));
        Assert.Equal("pass", Assert.Single(await Verify(message, KeyDns())).Result);
        var later = new FixedTime(DateTimeOffset.UtcNow.AddHours(2));
        var result = Assert.Single(await Verify(message, KeyDns(), later));
        Assert.Equal(("fail", "signature expired"), (result.Result, result.Reason));
    }

    [Fact]
    public async Task A_dns_failure_for_the_key_is_a_temperror()
    {
        var message = TestSigning.NewMessage();
        TestSigning.Sign(message);
        var dns = KeyDns();
        dns.Failing.Add("sel._domainkey.sender.test");
        Assert.Equal("temperror", Assert.Single(await Verify(message, dns)).Result);
    }

    [Fact]
    public async Task A_malformed_signature_is_a_permerror_not_an_exception()
    {
        var message = TestSigning.NewMessage();
        message.Headers.Add(HeaderId.DkimSignature, "v=1; a=rsa-sha256; d=sender.test; s=sel; garbage");
        Assert.Equal("permerror", Assert.Single(await Verify(message, KeyDns())).Result);
    }

    [Fact]
    public void Tags_are_read_with_whitespace_removed_and_x_as_unix_time()
    {
        var tags = DkimSignatureTags.Parse("v=1; d = sender.test; l=120; x=1700000000; b=ab\r\n cd");
        Assert.Equal(("sender.test", "120", "abcd"), (tags["d"], tags["l"], tags["b"]));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), DkimSignatureTags.Expiry(tags));
    }
}
