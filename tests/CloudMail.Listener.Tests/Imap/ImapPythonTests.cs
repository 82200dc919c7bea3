using System.Security.Cryptography;
using System.Text;
using CloudMail.Core.Mailboxes;
using CloudMail.Listener.Network;

namespace CloudMail.Listener.Tests.Imap;

/// <summary>Python's imaplib as a second, independent real client.</summary>
[Collection(ImapCollection.Name)]
public class ImapPythonTests(ImapServerFixture fixture)
{
    private const string Script = """
        import imaplib, ssl, sys, hashlib
        host, port, mode, user, pw = sys.argv[1:6]
        ctx = ssl._create_unverified_context()
        if mode == 'ssl':
            M = imaplib.IMAP4_SSL(host, int(port), ssl_context=ctx)
        else:
            M = imaplib.IMAP4(host, int(port))
            print('caps-before', ' '.join(sorted(M.capabilities)))
            try:
                M.login(user, pw)
                print('LOGIN ACCEPTED IN PLAINTEXT')
                sys.exit(1)
            except imaplib.IMAP4.error as e:
                print('refused', str(e))
            M.starttls(ssl_context=ctx)
        typ, data = M.login(user, pw)
        print('login', typ)
        typ, data = M.select('INBOX')
        print('exists', data[0].decode())
        typ, data = M.search(None, 'UNSEEN')
        print('unseen', data[0].decode())
        typ, data = M.search(None, '(SUBJECT "python")')
        print('subject', data[0].decode())
        typ, data = M.fetch('2', '(BODY.PEEK[HEADER.FIELDS (SUBJECT)])')
        print('header', data[0][1].decode().strip())
        typ, data = M.fetch('2', '(RFC822)')
        print('sha256', hashlib.sha256(data[0][1]).hexdigest())
        typ, data = M.store('1', '+FLAGS', '\\Deleted')
        print('store', data[0].decode())
        typ, data = M.expunge()
        print('expunge', data[0].decode())
        typ, data = M.logout()
        print('logout', typ)
        """;

    [Theory]
    [InlineData("ssl")]
    [InlineData("starttls")]
    public async Task Imaplib_reads_searches_flags_and_expunges(string mode)
    {
        string user = await fixture.NewUserAsync();
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("first one"), MessageFlags.Seen);
        string second = ImapTest.TextMessage("Hello from python land", body: "Line one\r\nLine two");
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", second);
        int port = fixture.Server.Port(mode == "ssl" ? EndpointKind.Imaps : EndpointKind.Imap);

        string output = await ImapTest.PythonAsync(Script, "127.0.0.1", port.ToString(System.Globalization.CultureInfo.InvariantCulture), mode, user, ImapServerFixture.Password);

        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (mode == "starttls")
        {
            Assert.Contains(lines, l => l.StartsWith("caps-before", StringComparison.Ordinal) && l.Contains("LOGINDISABLED", StringComparison.Ordinal) && l.Contains("STARTTLS", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.StartsWith("refused", StringComparison.Ordinal));
        }
        Assert.Contains("login OK", lines);
        Assert.Contains("exists 2", lines);
        Assert.Contains("unseen 2", lines);
        Assert.Contains("subject 2", lines);
        Assert.Contains("header Subject: Hello from python land", lines);
        Assert.Contains("sha256 " + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(second))), lines);
        Assert.Contains("store 1 (FLAGS (\\Seen \\Deleted \\Recent) UID 1)", lines);
        Assert.Contains("expunge 1", lines);
        Assert.Contains("logout BYE", lines);
        var left = await fixture.Server.Get<IMailboxIndex>().GetMessagesAsync(user, "INBOX", CancellationToken.None);
        Assert.Equal(MessageFlags.Seen, left.Single().Flags); // fetching RFC822 sets \Seen (RFC 3501 §6.4.5)
    }
}
