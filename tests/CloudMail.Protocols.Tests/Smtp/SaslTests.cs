using System.Text;
using CloudMail.Protocols.Smtp;
using CloudMail.Protocols.Smtp.Sasl;

namespace CloudMail.Protocols.Tests.Smtp;

public class SaslTests
{
    private static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));

    [Fact]
    public void Plain_with_initial_response_gives_credentials()
    {
        var step = new SaslPlainExchange().Start(B64("\0bob@example.test\0s3cret pass"));
        var credentials = Assert.IsType<SaslStep.Credentials>(step);
        Assert.Equal("bob@example.test", credentials.UserName);
        Assert.Equal("s3cret pass", credentials.Password);
        Assert.DoesNotContain("s3cret", credentials.ToString());
    }

    [Fact]
    public void Plain_without_initial_response_sends_an_empty_challenge_first()
    {
        var exchange = new SaslPlainExchange();
        var challenge = Assert.IsType<SaslStep.Challenge>(exchange.Start(null));
        Assert.Equal("334 \r\n", Encoding.ASCII.GetString(challenge.Reply.Wire));
        Assert.IsType<SaslStep.Credentials>(exchange.Next(B64("bob@example.test\0bob@example.test\0pw")));
    }

    [Fact]
    public void Plain_with_another_authorization_identity_is_refused()
    {
        var failed = Assert.IsType<SaslStep.Failed>(new SaslPlainExchange().Start(B64("admin@example.test\0bob@example.test\0pw")));
        Assert.Equal(SmtpReplies.AuthFailed, failed.Reply);
    }

    [Theory]
    [InlineData("bob\0pw")]
    [InlineData("\0\0pw")]
    [InlineData("\0bob\0")]
    [InlineData("\0bob\0pw\0extra")]
    public void Malformed_plain_messages_get_501(string message)
    {
        var failed = Assert.IsType<SaslStep.Failed>(new SaslPlainExchange().Start(B64(message)));
        Assert.Equal(SmtpReplies.AuthBadResponse, failed.Reply);
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("AAA")]
    [InlineData("")]
    [InlineData(null)]
    public void Undecodable_responses_get_501_5_5_2(string? line)
    {
        var exchange = new SaslPlainExchange();
        exchange.Start(null);
        Assert.Equal(SmtpReplies.AuthBadResponse, Assert.IsType<SaslStep.Failed>(exchange.Next(line)).Reply);
    }

    [Fact]
    public void Star_cancels_with_501()
    {
        var plain = new SaslPlainExchange();
        plain.Start(null);
        Assert.Equal(SmtpReplies.AuthCancelled, Assert.IsType<SaslStep.Failed>(plain.Next("*")).Reply);
        var login = new SaslLoginExchange();
        login.Start(null);
        login.Next(B64("bob"));
        Assert.Equal(SmtpReplies.AuthCancelled, Assert.IsType<SaslStep.Failed>(login.Next("*")).Reply);
    }

    [Fact]
    public void Login_asks_for_user_name_then_password()
    {
        var exchange = new SaslLoginExchange();
        Assert.Equal(SmtpReplies.LoginUsernamePrompt, Assert.IsType<SaslStep.Challenge>(exchange.Start(null)).Reply);
        Assert.Equal(SmtpReplies.LoginPasswordPrompt, Assert.IsType<SaslStep.Challenge>(exchange.Next(B64("bob@example.test"))).Reply);
        var credentials = Assert.IsType<SaslStep.Credentials>(exchange.Next(B64("pw")));
        Assert.Equal(("bob@example.test", "pw"), (credentials.UserName, credentials.Password));
    }

    [Fact]
    public void Login_initial_response_is_the_user_name()
    {
        var exchange = new SaslLoginExchange();
        Assert.Equal(SmtpReplies.LoginPasswordPrompt, Assert.IsType<SaslStep.Challenge>(exchange.Start(B64("bob"))).Reply);
    }

    [Fact]
    public void Only_plain_and_login_are_offered()
    {
        Assert.IsType<SaslPlainExchange>(SaslMechanisms.Create("PLAIN"));
        Assert.IsType<SaslLoginExchange>(SaslMechanisms.Create("LOGIN"));
        Assert.Null(SaslMechanisms.Create("CRAM-MD5"));
    }
}
