using CloudMail.Protocols.Pop3;

namespace CloudMail.Protocols.Tests.Pop3;

public sealed class Pop3StateTableTests
{
    [Theory]
    [InlineData(Pop3CommandKind.Stat)]
    [InlineData(Pop3CommandKind.List)]
    [InlineData(Pop3CommandKind.Uidl)]
    [InlineData(Pop3CommandKind.Retr)]
    [InlineData(Pop3CommandKind.Top)]
    [InlineData(Pop3CommandKind.Dele)]
    [InlineData(Pop3CommandKind.Rset)]
    [InlineData(Pop3CommandKind.Noop)]
    public void Maildrop_commands_before_login_get_the_wrong_state_reply(Pop3CommandKind command)
    {
        Assert.Equal(Pop3Replies.WrongState, Pop3StateTable.Check(Pop3State.Authorization, command));
    }

    [Theory]
    [InlineData(Pop3CommandKind.User)]
    [InlineData(Pop3CommandKind.Pass)]
    [InlineData(Pop3CommandKind.Auth)]
    [InlineData(Pop3CommandKind.Stls)]
    public void Login_commands_after_login_get_the_wrong_state_reply(Pop3CommandKind command)
    {
        Assert.Equal(Pop3Replies.WrongState, Pop3StateTable.Check(Pop3State.Transaction, command));
    }

    [Fact]
    public void Capa_and_quit_work_in_both_states()
    {
        foreach (var state in new[] { Pop3State.Authorization, Pop3State.Transaction })
        {
            Assert.Null(Pop3StateTable.Check(state, Pop3CommandKind.Capa));
            Assert.Null(Pop3StateTable.Check(state, Pop3CommandKind.Quit));
        }
    }

    [Fact]
    public void Successful_login_enters_transaction()
    {
        Assert.Equal(Pop3State.Transaction, Pop3StateTable.After(Pop3State.Authorization, Pop3CommandKind.Pass));
        Assert.Equal(Pop3State.Transaction, Pop3StateTable.After(Pop3State.Authorization, Pop3CommandKind.Auth));
        Assert.Equal(Pop3State.Authorization, Pop3StateTable.After(Pop3State.Authorization, Pop3CommandKind.User));
    }

    [Fact]
    public void Quit_enters_update_only_from_transaction()
    {
        Assert.Equal(Pop3State.Update, Pop3StateTable.After(Pop3State.Transaction, Pop3CommandKind.Quit));
        Assert.Equal(Pop3State.Closed, Pop3StateTable.After(Pop3State.Authorization, Pop3CommandKind.Quit));
    }

    [Fact]
    public void Nothing_is_accepted_in_update_or_after_close()
    {
        Assert.Empty(Pop3StateTable.AllowedIn(Pop3State.Update));
        Assert.Empty(Pop3StateTable.AllowedIn(Pop3State.Closed));
    }

    [Fact]
    public void Asking_for_the_next_state_of_a_forbidden_command_is_a_bug()
    {
        Assert.Throws<InvalidOperationException>(() => Pop3StateTable.After(Pop3State.Authorization, Pop3CommandKind.Retr));
    }
}
