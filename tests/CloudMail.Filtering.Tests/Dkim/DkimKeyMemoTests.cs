using CloudMail.Filtering.Dkim;
using MimeKit;

namespace CloudMail.Filtering.Tests.Dkim;

/// <summary>The parsed-key memo of <see cref="DnsDkimPublicKeyLocator"/>: DNS stays the source of truth on every message.</summary>
public class DkimKeyMemoTests
{
    private const string KeyName = "sel._domainkey.sender.test";

    private static MimeMessage Received()
    {
        var message = TestSigning.NewMessage();
        TestSigning.Sign(message);
        return MimeMessage.Load(new MemoryStream(TestSigning.Bytes(message)));
    }

    private static async Task<string> Verify(DnsDkimPublicKeyLocator locator) =>
        Assert.Single(await new DkimMessageVerifier(locator, TimeProvider.System).VerifyAsync(Received(), default)).Result;

    [Fact]
    public async Task The_key_is_still_looked_up_in_DNS_for_every_message_and_parsed_once()
    {
        var dns = new FakeDns().WithTxt(KeyName, TestSigning.KeyRecord);
        var locator = new DnsDkimPublicKeyLocator(dns);
        Assert.Equal("pass", await Verify(locator));
        Assert.Equal("pass", await Verify(locator));
        Assert.Equal(2, dns.Queries.Count(q => q == "TXT " + KeyName));
        Assert.Equal(1, locator.CachedKeyCount);
    }

    [Fact]
    public async Task A_revoked_key_record_fails_at_once_despite_the_memo()
    {
        var dns = new FakeDns().WithTxt(KeyName, TestSigning.KeyRecord);
        var locator = new DnsDkimPublicKeyLocator(dns);
        Assert.Equal("pass", await Verify(locator));
        dns.WithTxt(KeyName, "v=DKIM1; k=rsa; p=");
        Assert.Equal("permerror", await Verify(locator));
        dns.Txt.Remove(KeyName);
        Assert.Equal("permerror", await Verify(locator));
        dns.WithTxt(KeyName, TestSigning.KeyRecord);
        Assert.Equal("pass", await Verify(locator));
    }

    [Fact]
    public async Task A_DNS_failure_is_a_temperror_even_with_the_key_memoized()
    {
        var dns = new FakeDns().WithTxt(KeyName, TestSigning.KeyRecord);
        var locator = new DnsDkimPublicKeyLocator(dns);
        Assert.Equal("pass", await Verify(locator));
        dns.Failing.Add(KeyName);
        Assert.Equal("temperror", await Verify(locator));
    }
}
