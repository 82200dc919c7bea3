using CloudMail.Filtering.Dmarc;

namespace CloudMail.Filtering.Tests.Dmarc;

public class PublicSuffixListTests
{
    [Theory]
    [InlineData("example.com", "example.com")]
    [InlineData("mail.example.com", "example.com")]
    [InlineData("a.b.example.co.uk", "example.co.uk")]
    [InlineData("sender.test", "sender.test")]
    [InlineData("mail.sender.test", "sender.test")]
    [InlineData("a.b.c.ck", "b.c.ck")] // wildcard *.ck
    [InlineData("www.ck", "www.ck")] // exception !www.ck
    [InlineData("host.unlisted-tld", "host.unlisted-tld")] // implicit "*" rule
    [InlineData("com", "com")]
    public void Organizational_domain_is_the_public_suffix_plus_one_label(string domain, string expected) =>
        Assert.Equal(expected, PublicSuffixList.Embedded().OrganizationalDomain(domain));

    [Fact]
    public void A_list_from_a_file_replaces_the_shipped_one()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "// test\nexample.com\n");
            Assert.Equal("host.example.com", PublicSuffixList.Load(path).OrganizationalDomain("a.host.example.com"));
            Assert.Equal("example.com", PublicSuffixList.Load("").OrganizationalDomain("a.host.example.com"));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
