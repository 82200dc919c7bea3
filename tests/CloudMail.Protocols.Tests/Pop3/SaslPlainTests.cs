using System.Text;
using CloudMail.Protocols.Pop3;

namespace CloudMail.Protocols.Tests.Pop3;

public sealed class SaslPlainTests
{
    private static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));

    [Fact]
    public void Decodes_authcid_and_password_without_authzid()
    {
        Assert.True(SaslPlain.TryDecode(B64("\0alice@example.test\0s3cret pass"), out var c));
        Assert.Equal(new SaslPlainCredentials("", "alice@example.test", "s3cret pass"), c);
    }

    [Fact]
    public void Decodes_authzid_when_present()
    {
        Assert.True(SaslPlain.TryDecode(B64("admin\0alice\0pw"), out var c));
        Assert.Equal("admin", c!.AuthorizationId);
    }

    [Fact]
    public void Utf8_identities_and_passwords_survive()
    {
        Assert.True(SaslPlain.TryDecode(B64("\0j\u00f6rg\0p\u00e4ss\u20ac"), out var c));
        Assert.Equal("j\u00f6rg", c!.AuthenticationId);
        Assert.Equal("p\u00e4ss\u20ac", c.Password);
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("")]
    [InlineData("QQ")] // "A" without padding
    public void Invalid_base64_is_refused(string text)
    {
        Assert.False(SaslPlain.TryDecode(text, out var c));
        Assert.Null(c);
    }

    [Theory]
    [InlineData("alice pw")]          // no NUL at all
    [InlineData("\0alice")]           // one NUL
    [InlineData("\0\0pw")]            // empty authcid
    [InlineData("\0alice\0")]         // empty password
    [InlineData("\0alice\0p\0w")]     // NUL inside the password
    public void Malformed_plain_messages_are_refused(string message)
    {
        Assert.False(SaslPlain.TryDecode(B64(message), out _));
    }

    [Fact]
    public void Invalid_utf8_is_refused()
    {
        Assert.False(SaslPlain.TryParse([0, (byte)'a', 0, 0xC3, 0x28], out _));
    }

    [Fact]
    public void Printing_credentials_never_shows_the_password()
    {
        Assert.True(SaslPlain.TryDecode(B64("\0alice\0hunter2hunter2"), out var c));
        Assert.DoesNotContain("hunter2", c!.ToString());
    }
}
