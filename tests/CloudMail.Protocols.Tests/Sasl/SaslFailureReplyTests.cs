using CloudMail.Protocols.Pop3;
using CloudMail.Protocols.Sasl;
using CloudMail.Protocols.Smtp;

namespace CloudMail.Protocols.Tests.Sasl;

public class SaslFailureReplyTests
{
    [Fact]
    public void Smtp_cancel_is_501_5_7_0_bad_responses_501_5_5_2_and_proxy_login_535()
    {
        Assert.Equal(SmtpReplies.AuthCancelled, SmtpReplies.ForSaslFailure(SaslFailure.Cancelled));
        Assert.Equal(SmtpReplies.AuthBadResponse, SmtpReplies.ForSaslFailure(SaslFailure.InvalidEncoding));
        Assert.Equal(SmtpReplies.AuthBadResponse, SmtpReplies.ForSaslFailure(SaslFailure.InvalidMessage));
        Assert.Equal(SmtpReplies.AuthFailed, SmtpReplies.ForSaslFailure(SaslFailure.AuthorizationRefused));
    }

    [Fact]
    public void Smtp_challenges_are_334_with_the_base64_text()
    {
        Assert.Equal("334 \r\n", System.Text.Encoding.ASCII.GetString(SmtpReplies.AuthChallenge("").Wire));
        Assert.Equal("334 VXNlcm5hbWU6\r\n", System.Text.Encoding.ASCII.GetString(SmtpReplies.AuthChallenge(SaslLoginExchange.UserNamePrompt).Wire));
    }

    [Fact]
    public void Pop3_failures_map_to_their_replies()
    {
        Assert.Equal(Pop3Replies.AuthCancelled, Pop3Replies.ForSaslFailure(SaslFailure.Cancelled));
        Assert.Equal(Pop3Replies.InvalidSaslResponse, Pop3Replies.ForSaslFailure(SaslFailure.InvalidEncoding));
        Assert.Equal(Pop3Replies.InvalidSaslResponse, Pop3Replies.ForSaslFailure(SaslFailure.InvalidMessage));
        Assert.Equal(Pop3Replies.AuthorizationIdentityRefused, Pop3Replies.ForSaslFailure(SaslFailure.AuthorizationRefused));
    }
}
