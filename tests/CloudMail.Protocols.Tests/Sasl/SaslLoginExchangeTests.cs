using System.Text;
using CloudMail.Protocols.Sasl;

namespace CloudMail.Protocols.Tests.Sasl;

public class SaslLoginExchangeTests
{
    private static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));

    [Fact]
    public void Asks_for_user_name_then_password()
    {
        var exchange = new SaslLoginExchange();
        Assert.Equal("VXNlcm5hbWU6", Assert.IsType<SaslStep.Challenge>(exchange.Start(null)).Base64);
        Assert.Equal("UGFzc3dvcmQ6", Assert.IsType<SaslStep.Challenge>(exchange.Next(B64("bob@example.test"))).Base64);
        var credentials = Assert.IsType<SaslStep.Credentials>(exchange.Next(B64("pw")));
        Assert.Equal(("", "bob@example.test", "pw"), (credentials.AuthorizationId, credentials.UserName, credentials.Password));
    }

    [Fact]
    public void Initial_response_is_the_user_name()
    {
        Assert.Equal(SaslLoginExchange.PasswordPrompt, Assert.IsType<SaslStep.Challenge>(new SaslLoginExchange().Start(B64("bob"))).Base64);
    }

    [Fact]
    public void Star_cancels_at_any_step()
    {
        var login = new SaslLoginExchange();
        login.Start(null);
        login.Next(B64("bob"));
        Assert.Equal(SaslFailure.Cancelled, Assert.IsType<SaslStep.Failed>(login.Next("*")).Reason);
    }

    [Theory]
    [InlineData("=")]
    [InlineData("")]
    public void Empty_fields_are_refused(string line)
    {
        Assert.Equal(SaslFailure.InvalidMessage, Assert.IsType<SaslStep.Failed>(new SaslLoginExchange().Start(line)).Reason);
    }

    [Fact]
    public void Fields_with_nul_invalid_utf8_or_over_255_octets_are_refused()
    {
        Assert.Equal(SaslFailure.InvalidMessage, Assert.IsType<SaslStep.Failed>(new SaslLoginExchange().Start(B64("bo\0b"))).Reason);
        Assert.Equal(SaslFailure.InvalidMessage, Assert.IsType<SaslStep.Failed>(new SaslLoginExchange().Start(Convert.ToBase64String([0xC3, 0x28]))).Reason);
        Assert.Equal(SaslFailure.InvalidMessage, Assert.IsType<SaslStep.Failed>(new SaslLoginExchange().Start(B64(new string('b', 256)))).Reason);
        Assert.IsType<SaslStep.Challenge>(new SaslLoginExchange().Start(B64(new string('b', 255))));
    }

    [Fact]
    public void Only_plain_and_login_are_implemented()
    {
        Assert.IsType<SaslPlainExchange>(SaslMechanisms.Create("PLAIN"));
        Assert.IsType<SaslLoginExchange>(SaslMechanisms.Create("LOGIN"));
        Assert.Null(SaslMechanisms.Create("CRAM-MD5"));
        Assert.Equal("PLAIN LOGIN", SaslMechanisms.All);
    }
}
