using MailKit;

namespace CloudMail.EndToEnd.Tests.DebianClients;

/// <summary>
/// mbox files as Debian's mail clients write them (each keeps a copy of what it sends in its <c>record</c> mbox; sending
/// goes to /usr/bin/true), read by <c>cloudmail import mbox</c> beside the running server: mutt writes a Content-Length
/// and leaves <c>From </c> lines in bodies unquoted, s-nail keeps flags in Status and X-Status.
/// </summary>
[Collection(DebianClientsCollection.Name)]
public sealed class MboxImportTests(DebianClientsServer server)
{
    [Fact]
    public async Task An_mbox_written_by_mutt_imports_whole_messages_with_their_read_state()
    {
        var account = await server.NewAccountAsync("mutt-mbox");
        string home = server.NewScratchDirectory("mutt-mbox");
        string mbox = Path.Combine(home, "sent.mbox");
        for (int i = 1; i <= 3; i++)
        {
            var send = await DebianTool.RunAsync("mutt", "mutt",
                ["-n", "-F", "/dev/null", "-e", "set copy=yes", "-e", $"set record={mbox}", "-e", "set mbox_type=mbox", "-e", "set sendmail=/usr/bin/true",
                 "-e", "set from=alice@remote.test", "-e", "set use_from=yes", "-s", $"mutt message {i}", "bob@remote.test"],
                home, stdin: $"Body {i}\n\nFrom the start of a line, unquoted\n");
            Assert.True(send.ExitCode == 0, send.ToString());
        }
        Assert.Contains("\n\nFrom the start of a line, unquoted\n", await File.ReadAllTextAsync(mbox)); // what makes the file hard to split

        var (code, output) = await server.CloudMail.AdminAsync(null, "import", "mbox", mbox, "--to", account.Address);

        Assert.True(code == 0, output);
        Assert.Equal([("mutt message 1", MessageFlags.Seen), ("mutt message 2", MessageFlags.Seen), ("mutt message 3", MessageFlags.Seen)],
            await server.ListAsync(account, "INBOX"));
        using var imap = await server.ImapAsync(account);
        await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
        var first = await imap.Inbox.GetMessageAsync(0);
        Assert.Equal("Body 1\n\nFrom the start of a line, unquoted\n", first.TextBody!.Replace("\r\n", "\n", StringComparison.Ordinal));
        Assert.Null(first.Headers["Content-Length"]);
    }

    [Fact]
    public async Task An_mbox_written_and_flagged_by_s_nail_imports_with_its_flags()
    {
        var account = await server.NewAccountAsync("snail-mbox");
        string home = server.NewScratchDirectory("snail-mbox");
        string mbox = Path.Combine(home, "sent.mbox");
        for (int i = 1; i <= 3; i++)
        {
            var send = await DebianTool.RunAsync("s-nail", "s-nail",
                ["-#", "-:", "/", "-S", "mta=/usr/bin/true", "-S", $"record={mbox}", "-S", "from=alice@remote.test", "-s", $"s-nail message {i}", "bob@remote.test"],
                home, stdin: $"Body {i}\n");
            Assert.True(send.ExitCode == 0, send.ToString());
        }
        var mark = await DebianTool.RunAsync("s-nail", "s-nail", ["-#", "-:", "/", "-S", "hold", "-f", mbox], home, stdin: "flag 1\nanswered 2\ntype 1\nquit\n");
        Assert.True(mark.ExitCode == 0, mark.ToString());

        var (code, output) = await server.CloudMail.AdminAsync(null, "import", "mbox", mbox, "--to", account.Address, "--mailbox", "s-nail");

        Assert.True(code == 0, output);
        Assert.Equal([("s-nail message 1", MessageFlags.Seen | MessageFlags.Flagged), ("s-nail message 2", MessageFlags.Answered), ("s-nail message 3", MessageFlags.None)],
            await server.ListAsync(account, "s-nail"));
    }
}
