using CloudMail.Protocols.Imap;

namespace CloudMail.Protocols.Tests.Imap;

public class ImapStateTableTests
{
    [Theory]
    [InlineData("CAPABILITY")]
    [InlineData("NOOP")]
    [InlineData("LOGOUT")]
    [InlineData("ID")]
    public void Any_state_commands_are_valid_before_and_after_login(string command)
    {
        Assert.True(ImapStateTable.IsAllowed(ImapState.NotAuthenticated, command));
        Assert.True(ImapStateTable.IsAllowed(ImapState.Authenticated, command));
        Assert.True(ImapStateTable.IsAllowed(ImapState.Selected, command));
    }

    [Theory]
    [InlineData("LOGIN")]
    [InlineData("AUTHENTICATE")]
    [InlineData("STARTTLS")]
    public void Login_commands_are_valid_only_when_not_authenticated(string command)
    {
        Assert.True(ImapStateTable.IsAllowed(ImapState.NotAuthenticated, command));
        Assert.False(ImapStateTable.IsAllowed(ImapState.Authenticated, command));
        Assert.False(ImapStateTable.IsAllowed(ImapState.Selected, command));
    }

    [Theory]
    [InlineData("SELECT")]
    [InlineData("LIST")]
    [InlineData("APPEND")]
    [InlineData("IDLE")]
    [InlineData("GETQUOTAROOT")]
    [InlineData("GETQUOTA")]
    [InlineData("SETQUOTA")]
    public void Authenticated_commands_need_a_login_but_no_mailbox(string command)
    {
        Assert.False(ImapStateTable.IsAllowed(ImapState.NotAuthenticated, command));
        Assert.True(ImapStateTable.IsAllowed(ImapState.Authenticated, command));
        Assert.True(ImapStateTable.IsAllowed(ImapState.Selected, command));
    }

    [Theory]
    [InlineData("FETCH")]
    [InlineData("UID STORE")]
    [InlineData("CLOSE")]
    [InlineData("UID MOVE")]
    public void Selected_commands_need_a_mailbox(string command)
    {
        Assert.False(ImapStateTable.IsAllowed(ImapState.NotAuthenticated, command));
        Assert.False(ImapStateTable.IsAllowed(ImapState.Authenticated, command));
        Assert.True(ImapStateTable.IsAllowed(ImapState.Selected, command));
    }

    [Fact]
    public void Nothing_is_valid_in_logout_or_unknown()
    {
        Assert.All(ImapStateTable.Rules.Keys, c => Assert.False(ImapStateTable.IsAllowed(ImapState.Logout, c)));
        Assert.False(ImapStateTable.IsAllowed(ImapState.Selected, "XYZZY"));
    }

    [Fact]
    public void Refusal_names_the_command_and_the_state()
    {
        Assert.Null(ImapStateTable.Refusal(ImapState.Selected, "FETCH"));
        Assert.Equal("FETCH is not valid in the not authenticated state", ImapStateTable.Refusal(ImapState.NotAuthenticated, "FETCH"));
        Assert.Equal("LOGIN is not valid in the selected state", ImapStateTable.Refusal(ImapState.Selected, "LOGIN"));
    }

    [Fact]
    public void Sequence_number_commands_report_no_expunge_and_polling_commands_refresh()
    {
        Assert.Equal(UntaggedUpdates.NoExpunge, ImapStateTable.Rules["FETCH"].Updates);
        Assert.Equal(UntaggedUpdates.All, ImapStateTable.Rules["UID FETCH"].Updates);
        Assert.Equal(UntaggedUpdates.None, ImapStateTable.Rules["SELECT"].Updates);
        Assert.True(ImapStateTable.Rules["NOOP"].Refresh);
        Assert.True(ImapStateTable.Rules["CHECK"].Refresh);
        Assert.False(ImapStateTable.Rules["FETCH"].Refresh);
    }
}
