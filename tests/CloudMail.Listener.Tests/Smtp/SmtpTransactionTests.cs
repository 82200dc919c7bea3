using CloudMail.Core.Messages;
using CloudMail.Listener.Smtp;
using CloudMail.Protocols.Smtp.Commands;

namespace CloudMail.Listener.Tests.Smtp;

public class SmtpTransactionTests
{
    private static readonly MailCommand Mail = Assert.IsType<MailCommand>(MailCommand.Parse("FROM:<a@example.test>").Command);

    private static RcptCommand Rcpt(string arguments) => Assert.IsType<RcptCommand>(RcptCommand.Parse(arguments).Command);

    [Fact]
    public void Each_recipient_gives_a_new_transaction_and_the_old_one_is_unchanged()
    {
        var opened = SmtpTransaction.Begin(Mail);
        var one = opened.WithRecipient("b@example.test", Rcpt("TO:<b@example.test>"));
        Assert.Empty(opened.Recipients);
        Assert.Equal(["b@example.test"], one.Recipients.ToArray());
        Assert.Same(Mail, one.Mail);
    }

    [Fact]
    public void A_recipient_given_twice_is_kept_once_ignoring_case()
    {
        var one = SmtpTransaction.Begin(Mail).WithRecipient("b@example.test", Rcpt("TO:<b@example.test>"));
        Assert.Same(one, one.WithRecipient("B@Example.Test", Rcpt("TO:<B@Example.Test> NOTIFY=NEVER")));
    }

    [Fact]
    public void Without_dsn_parameters_the_envelope_has_no_dsn()
    {
        var transaction = SmtpTransaction.Begin(Mail).WithRecipient("b@example.test", Rcpt("TO:<b@example.test>"));
        Assert.Null(transaction.Dsn());
    }

    [Fact]
    public void The_envelope_dsn_has_ret_envid_and_only_the_recipients_that_gave_notify_or_orcpt()
    {
        var mail = Assert.IsType<MailCommand>(MailCommand.Parse("FROM:<a@example.test> RET=HDRS ENVID=id+2B1").Command);
        var transaction = SmtpTransaction.Begin(mail)
            .WithRecipient("b@example.test", Rcpt("TO:<b@example.test> NOTIFY=SUCCESS,DELAY ORCPT=rfc822;b+40example.test"))
            .WithRecipient("c@example.test", Rcpt("TO:<c@example.test>"))
            .WithRecipient("d@example.test", Rcpt("TO:<d@example.test> NOTIFY=NEVER"));

        var dsn = transaction.Dsn()!;

        Assert.Equal(DsnReturn.Headers, dsn.Return);
        Assert.Equal("id+1", dsn.EnvelopeId);
        Assert.Equal(
            [new RecipientDsn("b@example.test", DsnNotify.Success | DsnNotify.Delay, "rfc822;b@example.test"), new RecipientDsn("d@example.test", DsnNotify.Never, null)],
            dsn.Recipients);
        Assert.Null(dsn.For("c@example.test"));
    }
}
