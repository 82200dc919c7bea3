using CloudMail.Protocols.Sasl;

namespace CloudMail.Protocols.Tests.Sasl;

public class SaslResponseTests
{
    [Fact]
    public void Star_cancels()
    {
        Assert.Equal(SaslFailure.Cancelled, SaslResponse.Decode("*", out _));
    }

    [Fact]
    public void Equals_sign_is_an_empty_response()
    {
        Assert.Null(SaslResponse.Decode("=", out byte[] data));
        Assert.Empty(data);
    }

    [Fact]
    public void Empty_line_is_empty_data()
    {
        Assert.Null(SaslResponse.Decode("", out byte[] data));
        Assert.Empty(data);
    }

    [Fact]
    public void Base64_is_decoded()
    {
        Assert.Null(SaslResponse.Decode("AGJvYgBwdw==", out byte[] data));
        Assert.Equal("\0bob\0pw"u8.ToArray(), data);
    }

    [Theory]
    [InlineData(null)]            // not valid text
    [InlineData("not base64!")]   // outside the alphabet (RFC 4648 §3.3)
    [InlineData("AAA")]           // length not a multiple of 4
    [InlineData("QQ")]            // "A" without padding
    [InlineData("AGJv YgBwdw==")] // white space inside (.NET would skip it; RFC 4648 §3.3 does not)
    [InlineData("AGJvYgBwdw==\t")]
    [InlineData("A===")]          // three pad characters
    [InlineData("AG=vYgBw")]      // padding in the middle
    [InlineData("**")]
    public void Anything_but_strict_base64_is_an_invalid_encoding(string? line)
    {
        Assert.Equal(SaslFailure.InvalidEncoding, SaslResponse.Decode(line, out byte[] data));
        Assert.Empty(data);
    }

    [Fact]
    public void Responses_longer_than_the_cap_are_refused_unread()
    {
        string longest = Convert.ToBase64String(new byte[SaslResponse.MaxDecodedLength]);
        Assert.Null(SaslResponse.Decode(longest, out _));
        Assert.Equal(SaslFailure.InvalidEncoding, SaslResponse.Decode(Convert.ToBase64String(new byte[SaslResponse.MaxDecodedLength + 1]), out _));
    }

    [Theory]
    [InlineData("", true)]
    [InlineData("QQ==", true)]
    [InlineData("QUI=", true)]
    [InlineData("QUJD", true)]
    [InlineData("a+/9", true)]
    [InlineData("a-_9", false)] // base64url is another alphabet (RFC 4648 §5)
    [InlineData("====", false)]
    [InlineData("Q", false)]
    public void Strict_base64_follows_rfc_4648_section_4(string text, bool valid)
    {
        Assert.Equal(valid, SaslBase64.IsStrict(text));
    }
}
