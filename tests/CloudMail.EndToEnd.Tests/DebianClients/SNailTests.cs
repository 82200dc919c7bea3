namespace CloudMail.EndToEnd.Tests.DebianClients;

/// <summary>s-nail (the Debian mailx) in batch mode: submits with STARTTLS, then reads and deletes over POP3S and IMAPS.</summary>
[Collection(DebianClientsCollection.Name)]
public sealed class SNailTests(DebianClientsServer server)
{
    /// <summary>Batch mode (-#), no rc files (-:/), certificate not verified (self-signed), password given as a variable.</summary>
    private static Task<ToolResult> SNailAsync(string home, Account account, string commands, params string[] args) =>
        DebianTool.RunAsync("s-nail", "s-nail",
            ["-#", "-:", "/", "-S", "v15-compat", "-S", "tls-verify=ignore", "-S", $"password={account.Password}", .. args], home, stdin: commands);

    [Fact]
    public async Task S_nail_submits_with_starttls_then_reads_and_deletes_over_pop3s_and_imaps()
    {
        var sender = await server.NewAccountAsync("snail-sender");
        var reader = await server.NewAccountAsync("snail-reader");
        string home = server.NewScratchDirectory("snail");

        var send = await SNailAsync(home, sender, "",
            "-S", $"mta=smtp://{sender.UrlUser}@127.0.0.1:{server.CloudMail.Submission}", "-S", "smtp-use-starttls", "-S", "smtp-auth=plain",
            "-S", $"from={sender.Address}", "-s", "snail-one", reader.Address);
        Assert.True(send.ExitCode == 0, send.ToString());
        Assert.Equal(["snail-one"], await server.WaitForInboxAsync(reader, "snail-one"));
        await server.AppendAsync(reader, "INBOX", TestMessages.Create("x@remote.test", reader.Address, "snail-two", "Second.\r\n"));

        var pop = await SNailAsync(home, reader, "headers\nprint 1\ndelete 1\nquit\n",
            "-f", $"pop3s://{reader.UrlUser}@127.0.0.1:{server.CloudMail.Pop3s}");
        Assert.True(pop.ExitCode == 0, pop.ToString());
        Assert.Contains("snail-one", pop.Stdout);
        Assert.Contains("snail-two", pop.Stdout);
        Assert.Equal(["snail-two"], (await server.ListAsync(reader, "INBOX")).Select(m => m.Subject));

        var imap = await SNailAsync(home, reader, "headers\nprint 1\ndelete 1\nquit\n",
            "-f", $"imaps://{reader.UrlUser}@127.0.0.1:{server.CloudMail.Imaps}/INBOX");
        Assert.True(imap.ExitCode == 0, imap.ToString());
        Assert.Contains("Second.", imap.Stdout);
        Assert.Empty(await server.ListAsync(reader, "INBOX"));
    }
}
