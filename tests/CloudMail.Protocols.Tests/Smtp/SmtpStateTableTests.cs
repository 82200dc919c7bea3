using CloudMail.Protocols.Smtp;

namespace CloudMail.Protocols.Tests.Smtp;

public class SmtpStateTableTests
{
    private static readonly SmtpVerb[] Anytime = [SmtpVerb.Helo, SmtpVerb.Ehlo, SmtpVerb.Rset, SmtpVerb.Noop, SmtpVerb.Quit, SmtpVerb.Vrfy, SmtpVerb.Expn, SmtpVerb.Help];

    [Fact]
    public void Session_commands_are_allowed_in_every_state()
    {
        foreach (var state in Enum.GetValues<SmtpState>())
            foreach (var verb in Anytime)
                Assert.True(SmtpStateTable.IsAllowed(state, verb), $"{verb} in {state}");
    }

    [Theory]
    [InlineData(SmtpState.Connected, SmtpVerb.Mail)]
    [InlineData(SmtpState.Connected, SmtpVerb.Rcpt)]
    [InlineData(SmtpState.Connected, SmtpVerb.Data)]
    [InlineData(SmtpState.Connected, SmtpVerb.Auth)]
    [InlineData(SmtpState.Connected, SmtpVerb.StartTls)]
    [InlineData(SmtpState.Greeted, SmtpVerb.Rcpt)]
    [InlineData(SmtpState.Greeted, SmtpVerb.Data)]
    [InlineData(SmtpState.Greeted, SmtpVerb.Bdat)]
    [InlineData(SmtpState.MailGiven, SmtpVerb.Mail)]
    [InlineData(SmtpState.MailGiven, SmtpVerb.Data)]
    [InlineData(SmtpState.MailGiven, SmtpVerb.Auth)]
    [InlineData(SmtpState.MailGiven, SmtpVerb.StartTls)]
    [InlineData(SmtpState.RcptGiven, SmtpVerb.Mail)]
    [InlineData(SmtpState.BdatInProgress, SmtpVerb.Data)]
    [InlineData(SmtpState.BdatInProgress, SmtpVerb.Rcpt)]
    public void Out_of_order_commands_are_not_in_the_table(SmtpState state, SmtpVerb verb)
    {
        Assert.False(SmtpStateTable.IsAllowed(state, verb));
    }

    [Theory]
    [InlineData(SmtpState.Connected, SmtpVerb.Ehlo, SmtpState.Greeted)]
    [InlineData(SmtpState.Connected, SmtpVerb.Rset, SmtpState.Connected)]
    [InlineData(SmtpState.Greeted, SmtpVerb.Mail, SmtpState.MailGiven)]
    [InlineData(SmtpState.Greeted, SmtpVerb.StartTls, SmtpState.Connected)]
    [InlineData(SmtpState.MailGiven, SmtpVerb.Rcpt, SmtpState.RcptGiven)]
    [InlineData(SmtpState.RcptGiven, SmtpVerb.Data, SmtpState.Greeted)]
    [InlineData(SmtpState.RcptGiven, SmtpVerb.Bdat, SmtpState.BdatInProgress)]
    [InlineData(SmtpState.BdatInProgress, SmtpVerb.BdatLast, SmtpState.Greeted)]
    [InlineData(SmtpState.RcptGiven, SmtpVerb.Rset, SmtpState.Greeted)]
    [InlineData(SmtpState.BdatInProgress, SmtpVerb.Ehlo, SmtpState.Greeted)]
    public void Successful_commands_lead_to_the_next_state(SmtpState from, SmtpVerb verb, SmtpState to)
    {
        Assert.True(SmtpStateTable.TryGetNext(from, verb, out var next));
        Assert.Equal(to, next);
    }
}
