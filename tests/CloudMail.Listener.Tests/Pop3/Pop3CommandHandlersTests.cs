using CloudMail.Listener.Pop3.Commands;
using CloudMail.Protocols.Pop3;

namespace CloudMail.Listener.Tests.Pop3;

public class Pop3CommandHandlersTests
{
    [Fact]
    public void Every_command_of_the_state_table_has_a_handler()
    {
        var commands = Enum.GetValues<Pop3State>().SelectMany(Pop3StateTable.AllowedIn).Distinct();
        Assert.All(commands, kind => Assert.NotNull(Pop3CommandHandlers.For(kind)));
    }
}
