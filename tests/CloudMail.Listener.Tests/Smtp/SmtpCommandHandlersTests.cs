using CloudMail.Listener.Smtp.Commands;
using CloudMail.Protocols.Smtp;

namespace CloudMail.Listener.Tests.Smtp;

public class SmtpCommandHandlersTests
{
    [Fact]
    public void Every_verb_of_the_state_table_has_a_handler()
    {
        Assert.All(Enum.GetValues<SmtpVerb>(), verb => Assert.NotNull(SmtpCommandHandlers.For(verb)));
    }
}
