using CloudMail.Listener.Smtp;
using CloudMail.Protocols.Smtp.Commands;

namespace CloudMail.Listener.Tests.Smtp;

public class SmtpTransactionTests
{
    private static readonly MailCommand Mail = Assert.IsType<MailCommand>(MailCommand.Parse("FROM:<a@example.test>").Command);

    [Fact]
    public void Each_recipient_gives_a_new_transaction_and_the_old_one_is_unchanged()
    {
        var opened = SmtpTransaction.Begin(Mail);
        var one = opened.WithRecipient("b@example.test");
        Assert.Empty(opened.Recipients);
        Assert.Equal(["b@example.test"], one.Recipients.ToArray());
        Assert.Same(Mail, one.Mail);
    }

    [Fact]
    public void A_recipient_given_twice_is_kept_once_ignoring_case()
    {
        var one = SmtpTransaction.Begin(Mail).WithRecipient("b@example.test");
        Assert.Same(one, one.WithRecipient("B@Example.Test"));
    }
}
