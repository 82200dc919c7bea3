using MailKit;

namespace CloudMail.EndToEnd.Tests.DebianClients;

/// <summary>curl (libcurl's IMAP, POP3 and SMTP with OpenSSL) against every TLS flavour the server offers.</summary>
[Collection(DebianClientsCollection.Name)]
public sealed class CurlTests(DebianClientsServer server)
{
    /// <summary>Runs curl quietly with errors shown; -k because the certificate is self-signed (TLS still required).</summary>
    private async Task<ToolResult> CurlAsync(Account account, params string[] args)
    {
        var result = await DebianTool.RunAsync("curl", "curl",
            ["--silent", "--show-error", "--insecure", "--max-time", "20", "--user", $"{account.Address}:{account.Password}", .. args],
            server.NewScratchDirectory("curl"));
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }

    private string Url(string scheme, int port, string path = "") => $"{scheme}://127.0.0.1:{port}/{path}";

    [Fact]
    public async Task Curl_lists_folders_searches_and_fetches_a_message_byte_for_byte_over_imaps()
    {
        var account = await server.NewAccountAsync("curl-imap");
        var message = TestMessages.Create("x@remote.test", account.Address, "curl-fetch", "Exact bytes.\r\n.\r\nEnd.\r\n");
        var uid = await server.AppendAsync(account, "INBOX", message);
        await server.AppendAsync(account, "INBOX", TestMessages.Create("x@remote.test", account.Address, "other"));

        var list = await CurlAsync(account, Url("imaps", server.CloudMail.Imaps));
        var search = await CurlAsync(account, Url("imaps", server.CloudMail.Imaps, "INBOX"), "--request", "UID SEARCH SUBJECT curl-fetch");
        var fetch = await CurlAsync(account, Url("imaps", server.CloudMail.Imaps, $"INBOX;UID={uid.Id}"));
        var header = await CurlAsync(account, Url("imaps", server.CloudMail.Imaps, $"INBOX;UID={uid.Id};SECTION=HEADER.FIELDS%20(SUBJECT)"));

        foreach (string line in new[] { "INBOX", "(\\HasNoChildren \\Sent) \"/\" Sent", "\\Drafts) \"/\" Drafts", "\\Trash) \"/\" Trash", "\\Junk) \"/\" Junk" })
            Assert.Contains(line, list.Stdout);
        Assert.Equal($"* SEARCH {uid.Id}", search.Stdout.Trim());
        Assert.Equal(TestMessages.Text(message), fetch.Stdout.ReplaceLineEndings("\r\n"));
        Assert.Equal("Subject: curl-fetch", header.Stdout.Trim());
    }

    [Fact]
    public async Task Curl_appends_a_message_over_imap_upgraded_with_starttls()
    {
        var account = await server.NewAccountAsync("curl-append");
        string file = Path.Combine(server.NewScratchDirectory("curl"), "draft.eml");
        await File.WriteAllTextAsync(file, TestMessages.Raw(account.Address, "x@remote.test", "curl-appended", "Uploaded with APPEND.\r\n"));

        await CurlAsync(account, "--ssl-reqd", Url("imap", server.CloudMail.Imap, "Drafts"), "--upload-file", file);

        Assert.Equal([("curl-appended", MessageFlags.Seen)], await server.ListAsync(account, "Drafts"));
    }

    [Fact]
    public async Task Curl_lists_retrieves_and_deletes_over_pop3s_and_pop3_with_stls()
    {
        var account = await server.NewAccountAsync("curl-pop");
        var message = TestMessages.Create("x@remote.test", account.Address, "curl-pop", "Line.\r\n.\r\n..\r\nEnd.\r\n");
        await server.AppendAsync(account, "INBOX", message);
        await server.AppendAsync(account, "INBOX", TestMessages.Create("x@remote.test", account.Address, "curl-pop-2"));

        var list = await CurlAsync(account, Url("pop3s", server.CloudMail.Pop3s));
        var uidl = await CurlAsync(account, Url("pop3s", server.CloudMail.Pop3s), "--request", "UIDL");
        var retr = await CurlAsync(account, "--ssl-reqd", Url("pop3", server.CloudMail.Pop3, "1"));
        await CurlAsync(account, Url("pop3s", server.CloudMail.Pop3s, "1"), "--request", "DELE", "--head");

        Assert.Equal(2, list.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Matches(@"^1 \S+\r?\n2 \S+\r?\n$", uidl.Stdout);
        Assert.Equal(TestMessages.Text(message), retr.Stdout.ReplaceLineEndings("\r\n"));
        Assert.Equal([("curl-pop-2", MessageFlags.None)], await server.ListAsync(account, "INBOX"));
    }

    [Fact]
    public async Task Curl_sends_over_submission_with_starttls_over_implicit_tls_and_to_port_25()
    {
        var sender = await server.NewAccountAsync("curl-sender");
        var recipient = await server.NewAccountAsync("curl-rcpt");
        string dir = server.NewScratchDirectory("curl");
        async Task<string> Write(string subject)
        {
            string file = Path.Combine(dir, subject + ".eml");
            await File.WriteAllTextAsync(file, TestMessages.Raw(sender.Address, recipient.Address, subject, "Sent with curl.\r\n"));
            return file;
        }

        await CurlAsync(sender, "--ssl-reqd", Url("smtp", server.CloudMail.Submission), "--mail-from", sender.Address, "--mail-rcpt", recipient.Address, "--upload-file", await Write("curl-587"));
        await CurlAsync(sender, Url("smtps", server.CloudMail.Submissions), "--mail-from", sender.Address, "--mail-rcpt", recipient.Address, "--upload-file", await Write("curl-465"));
        var port25 = await DebianTool.RunAsync("curl", "curl",
            ["--silent", "--show-error", "--max-time", "20", Url("smtp", server.CloudMail.Smtp), "--mail-from", "someone@remote.test", "--mail-rcpt", recipient.Address, "--upload-file", await Write("curl-25")],
            dir);

        Assert.True(port25.ExitCode == 0, port25.ToString());
        Assert.Equal(["curl-25", "curl-465", "curl-587"], (await server.WaitForInboxAsync(recipient, "curl-587", "curl-465", "curl-25")).Order());
    }
}
