using CloudMail.Core.Delivery;

namespace CloudMail.Core.Tests.Delivery;

public sealed class ReplyStatusTests
{
    [Theory]
    [InlineData("550 5.1.1 no such user", "5.1.1")]
    [InlineData("451 4.7.1 greylisted", "4.7.1")]
    [InlineData("554 transaction failed", "5.0.0")]
    [InlineData("421 4.4.2 timeout", "4.4.2")]
    [InlineData("550 4.1.1 mismatched class", "5.0.0")]
    [InlineData("250 2.0.0 Ok", "2.0.0")]
    [InlineData("", "4.0.0")]
    [InlineData("connection reset", "4.0.0")]
    public void The_status_is_the_enhanced_code_else_the_reply_class(string reply, string expected) =>
        Assert.Equal(expected, ReplyStatus.Of(reply, "4.0.0"));
}
