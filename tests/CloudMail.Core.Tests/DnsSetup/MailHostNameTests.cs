using CloudMail.Core.DnsSetup;

namespace CloudMail.Core.Tests.DnsSetup;

/// <summary>Which host names other mail servers can use (MX targets, EHLO names), and which they cannot.</summary>
public sealed class MailHostNameTests
{
    [Theory]
    [InlineData("mail.example.com")]
    [InlineData("mail.example.com.")]
    [InlineData("MX-1.Example.co.uk")]
    [InlineData("xn--bcher-kva.example")]
    [InlineData("a.b")]
    public void Fully_qualified_names(string name) => Assert.True(MailHostName.IsFullyQualified(name));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("vm")] // a bare machine name
    [InlineData("3f2a9c1d7e6b")] // a container id
    [InlineData("localhost")]
    [InlineData("vm.localdomain")] // what Debian and Postfix append to a bare name
    [InlineData("printer.local")] // multicast DNS only (RFC 6762)
    [InlineData("host.localhost")]
    [InlineData("192.0.2.1")] // an address, not a name
    [InlineData("[192.0.2.1]")]
    [InlineData("mail..example.com")]
    [InlineData("-mail.example.com")]
    [InlineData("mail-.example.com")]
    [InlineData("mail_1.example.com")]
    [InlineData("mail example.com")]
    [InlineData(".")]
    [InlineData(" mail.example.com")]
    [InlineData("mail.example.com..")]
    public void Names_other_servers_cannot_use(string? name) => Assert.False(MailHostName.IsFullyQualified(name));

    [Fact]
    public void Labels_longer_than_63_and_names_longer_than_253_characters_are_not_names()
    {
        Assert.True(MailHostName.IsFullyQualified(new string('a', 63) + ".example"));
        Assert.False(MailHostName.IsFullyQualified(new string('a', 64) + ".example"));
        string long254 = string.Join('.', Enumerable.Repeat(new string('a', 49), 5)) + ".abcd"; // 5*50 + 4 = 254
        Assert.Equal(254, long254.Length);
        Assert.False(MailHostName.IsFullyQualified(long254));
        Assert.True(MailHostName.IsFullyQualified(long254[1..]));
    }
}
