using CloudMail.Listener.Tests.Infrastructure;

namespace CloudMail.Listener.Tests.Imap;

/// <summary>
/// NOTIFICATIONOVERFLOW (RFC 5465 §5.8) with <c>CloudMail:Imap:NotifyOverflowLimit</c> at 3: a change of up to three
/// mailboxes is reported as LIST lines; a RENAME that moves five at once gives <c>* OK [NOTIFICATIONOVERFLOW]</c>
/// instead, and from then on the session acts as after NOTIFY NONE until the client sets NOTIFY again.
/// </summary>
public sealed class ImapNotifyOverflowTests : IAsyncLifetime
{
    private const string Password = "correct horse battery";
    private const string User = "overflow@" + TestServer.Domain;
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(new Dictionary<string, string?> { ["CloudMail:Imap:NotifyOverflowLimit"] = "3" });
        await _server.AddUserAsync(User, Password);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_change_over_the_limit_is_one_overflow_and_then_silence_until_the_next_notify_set()
    {
        await using var other = await RawImapClient.LoginAsync(_server, User, Password);
        foreach (string name in new[] { "Small", "Small/one", "Tree", "Tree/a", "Tree/b", "Tree/c", "Tree/d" })
            await other.CommandAsync($"c CREATE {name}", "c");

        await using var watcher = await RawImapClient.LoginAsync(_server, User, Password);
        Assert.Equal(["n OK NOTIFY completed"], await watcher.CommandAsync("n NOTIFY SET (personal (MailboxName))", "n"));

        // Two mailboxes renamed at once: within the limit, reported.
        await other.CommandAsync("r RENAME Small Little", "r");
        Assert.Equal("* LIST () \"/\" Little (\"OLDNAME\" (Small))", await watcher.ReadLineAsync());
        Assert.Equal("* LIST () \"/\" Little/one (\"OLDNAME\" (Small/one))", await watcher.ReadLineAsync());

        // Five at once: over the limit, one overflow line and none of the five.
        await other.CommandAsync("r RENAME Tree Forest", "r");
        Assert.Equal("* OK [NOTIFICATIONOVERFLOW] Too many changes at once; notifications are off until the next NOTIFY SET",
            await watcher.ReadLineAsync());

        // As after NOTIFY NONE: a later change is not pushed.
        await other.CommandAsync("c CREATE Later", "c");
        Assert.Equal(["x OK NOOP completed"], await watcher.CommandAsync("x NOOP", "x"));

        // A new NOTIFY SET starts over.
        Assert.Equal(["n OK NOTIFY completed"], await watcher.CommandAsync("n NOTIFY SET (personal (MailboxName))", "n"));
        await other.CommandAsync("c CREATE Again", "c");
        Assert.Equal("* LIST () \"/\" Again", await watcher.ReadLineAsync());
    }
}
