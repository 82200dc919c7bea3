using CloudMail.Listener.Imap.Session;
using CloudMail.Protocols.Imap;

namespace CloudMail.Listener.Tests.Imap;

public class ImapCommandHandlersTests
{
    [Fact]
    public void Every_command_of_the_state_table_has_a_handler_and_no_handler_is_outside_it()
    {
        Assert.Equal(ImapStateTable.Rules.Keys.Order(), ImapCommandHandlers.ByName.Keys.Order());
    }
}
