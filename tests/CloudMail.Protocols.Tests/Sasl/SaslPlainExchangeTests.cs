using System.Text;
using CloudMail.Protocols.Sasl;

namespace CloudMail.Protocols.Tests.Sasl;

public class SaslPlainExchangeTests
{
    private static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));

    private static SaslStep Plain(string message) => new SaslPlainExchange().Start(B64(message));

    [Fact]
    public void Initial_response_gives_credentials_without_showing_the_password()
    {
        var credentials = Assert.IsType<SaslStep.Credentials>(Plain("\0bob@example.test\0s3cret pass"));
        Assert.Equal(("", "bob@example.test", "s3cret pass"), (credentials.AuthorizationId, credentials.UserName, credentials.Password));
        Assert.DoesNotContain("s3cret", credentials.ToString());
    }

    [Fact]
    public void Without_initial_response_an_empty_challenge_comes_first()
    {
        var exchange = new SaslPlainExchange();
        Assert.Equal("", Assert.IsType<SaslStep.Challenge>(exchange.Start(null)).Base64);
        Assert.IsType<SaslStep.Credentials>(exchange.Next(B64("bob@example.test\0bob@example.test\0pw")));
    }

    [Theory]
    [InlineData("=")]
    [InlineData("")] // the IMAP and POP3 parsers hand over "=" as ""
    public void Empty_initial_response_is_a_malformed_message(string initial)
    {
        Assert.Equal(SaslFailure.InvalidMessage, Assert.IsType<SaslStep.Failed>(new SaslPlainExchange().Start(initial)).Reason);
    }

    [Fact]
    public void Same_authorization_identity_in_another_case_is_accepted()
    {
        var credentials = Assert.IsType<SaslStep.Credentials>(Plain("BOB@example.test\0bob@example.test\0pw"));
        Assert.Equal("BOB@example.test", credentials.AuthorizationId);
    }

    [Fact]
    public void Another_authorization_identity_is_refused()
    {
        Assert.Equal(SaslFailure.AuthorizationRefused, Assert.IsType<SaslStep.Failed>(Plain("admin@example.test\0bob@example.test\0pw")).Reason);
    }

    [Fact]
    public void Utf8_identities_and_passwords_survive()
    {
        var credentials = Assert.IsType<SaslStep.Credentials>(Plain("\0j\u00f6rg\0p\u00e4ss\u20ac"));
        Assert.Equal(("j\u00f6rg", "p\u00e4ss\u20ac"), (credentials.UserName, credentials.Password));
    }

    [Theory]
    [InlineData("bob pw")]             // no NUL at all
    [InlineData("bob\0pw")]            // one NUL
    [InlineData("\0\0pw")]             // empty authcid
    [InlineData("\0bob\0")]            // empty password
    [InlineData("\0bob\0p\0w")]        // NUL inside the password
    [InlineData("\0bob\0pw\0extra")]   // a fourth field
    public void Malformed_messages_are_refused(string message)
    {
        Assert.Equal(SaslFailure.InvalidMessage, Assert.IsType<SaslStep.Failed>(Plain(message)).Reason);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Each_field_is_at_most_255_octets(int field)
    {
        Assert.IsType<SaslStep.Credentials>(Plain(Message(field, 255)));
        Assert.Equal(SaslFailure.InvalidMessage, Assert.IsType<SaslStep.Failed>(Plain(Message(field, 256))).Reason);
    }

    /// <summary>A PLAIN message whose field number <paramref name="field"/> is <paramref name="length"/> octets (authzid equal to authcid).</summary>
    private static string Message(int field, int length)
    {
        string[] fields = ["", "bob", "pw"];
        fields[field] = new string('b', length);
        if (field == 0) fields[1] = fields[0];
        return string.Join('\0', fields);
    }

    [Theory]
    [InlineData(new byte[] { 0, (byte)'a', 0, 0xC3, 0x28 })]       // invalid UTF-8 in the password
    [InlineData(new byte[] { 0, 0xFF, 0, (byte)'p' })]             // in the user name
    [InlineData(new byte[] { 0xC3, 0, (byte)'a', 0, (byte)'p' })]  // in the authorization identity
    public void Invalid_utf8_is_refused(byte[] message)
    {
        Assert.Equal(SaslFailure.InvalidMessage, Assert.IsType<SaslStep.Failed>(new SaslPlainExchange().Start(Convert.ToBase64String(message))).Reason);
        Assert.False(SaslPlainExchange.TryParse(message, out _));
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("AAA")]
    [InlineData(null)]
    public void Undecodable_responses_are_an_invalid_encoding(string? line)
    {
        var exchange = new SaslPlainExchange();
        exchange.Start(null);
        Assert.Equal(SaslFailure.InvalidEncoding, Assert.IsType<SaslStep.Failed>(exchange.Next(line)).Reason);
    }

    [Fact]
    public void Star_cancels_as_initial_response_and_as_a_later_line()
    {
        Assert.Equal(SaslFailure.Cancelled, Assert.IsType<SaslStep.Failed>(new SaslPlainExchange().Start("*")).Reason);
        var exchange = new SaslPlainExchange();
        exchange.Start(null);
        Assert.Equal(SaslFailure.Cancelled, Assert.IsType<SaslStep.Failed>(exchange.Next("*")).Reason);
    }
}
