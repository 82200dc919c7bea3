using System.Diagnostics;
using System.Text;
using CloudMail.Core.Mailboxes;
using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Imap;
using CloudMail.Listener.Tests.Pop3;

namespace CloudMail.Listener.Tests.Azure;

/// <summary>
/// Two <c>cloudmail listener</c> replicas on one Azurite, as two container instances behind one ingress: the POP3 maildrop
/// lock excludes a session on the other replica (RFC 2449 §8.1.1 [IN-USE]) until the holder quits, and an IMAP session
/// idling on one replica hears of mail appended through the other at the next replica poll (every second by default).
/// </summary>
public sealed class AcrossReplicasTests : IAsyncLifetime
{
    private const string Password = "correct horse battery";

    private static readonly Dictionary<string, string?> MailboxPorts = new()
    {
        ["CloudMail:Ports:Imap"] = "0",
        ["CloudMail:Ports:Pop3"] = "0",
        ["CloudMail:Imap:AllowInsecureAuth"] = "true",
        ["CloudMail:Pop3:AllowInsecureAuth"] = "true",
        // No session re-reads its mailbox on its own timer during a test: only the replica poller can tell of another
        // replica's mail.
        ["CloudMail:Imap:PollInterval"] = "00:10:00",
    };

    private AzureListenerServer _a = null!;
    private AzureListenerServer _b = null!;

    public async Task InitializeAsync()
    {
        _a = await AzureListenerServer.StartAsync(settings: MailboxPorts);
        _b = await AzureListenerServer.StartAsync(_a.StorageConnectionString, MailboxPorts);
    }

    public async Task DisposeAsync()
    {
        await _b.DisposeAsync();
        await _a.DisposeAsync();
    }

    [Fact]
    public async Task A_pop3_session_on_another_replica_gets_IN_USE_until_the_first_quits()
    {
        string user = await _a.NewUserAsync();
        await using var first = await Pop3LineClient.ConnectAsync(Port(_a, EndpointKind.Pop3), implicitTls: false);
        await first.LoginAsync(user, Password);

        await using (var second = await Pop3LineClient.ConnectAsync(Port(_b, EndpointKind.Pop3), implicitTls: false))
        {
            Assert.StartsWith("+OK", await second.CommandAsync("USER " + user));
            Assert.StartsWith("-ERR [IN-USE]", await second.CommandAsync("PASS " + Password));
        }

        Assert.StartsWith("+OK", await first.CommandAsync("QUIT"));
        await using var third = await Pop3LineClient.ConnectAsync(Port(_b, EndpointKind.Pop3), implicitTls: false);
        await third.LoginAsync(user, Password);
    }

    [Fact]
    public async Task Idle_on_one_replica_reports_mail_appended_through_the_other_at_the_next_replica_poll()
    {
        string user = await _a.NewUserAsync();
        await using var idler = await RawImapClient.ConnectAsync(Port(_b, EndpointKind.Imap), implicitTls: false);
        await idler.ReadLineAsync();
        await idler.CommandAsync($"L LOGIN \"{user}\" \"{Password}\"", "L");
        await idler.CommandAsync("s SELECT INBOX", "s");
        await idler.SendAsync("i IDLE\r\n");
        Assert.Equal("+ idling", await idler.ReadLineAsync());

        await using var appender = await RawImapClient.ConnectAsync(Port(_a, EndpointKind.Imap), implicitTls: false);
        await appender.ReadLineAsync();
        await appender.CommandAsync($"L LOGIN \"{user}\" \"{Password}\"", "L");
        byte[] message = Encoding.ASCII.GetBytes("Subject: across replicas\r\n\r\nhello from replica A\r\n");
        await appender.SendAsync($"a APPEND INBOX {{{message.Length}+}}\r\n");
        await appender.SendAsync([.. message, .. "\r\n"u8]);
        Assert.Contains(await appender.ReadUntilTaggedAsync("a"), line => line.StartsWith("a OK", StringComparison.Ordinal));
        var sinceAppend = Stopwatch.StartNew();

        string? pushed = await idler.ReadLineAsync();

        Assert.Equal("* 1 EXISTS", pushed);
        // With the session's own polling off, EXISTS can only come from the replica poller, which reads every second
        // (about 2 s from append to EXISTS). The bound leaves room for a loaded machine and still fails a poller as slow
        // as the sessions' default 30 s poll.
        Assert.True(sinceAppend.Elapsed < TimeSpan.FromSeconds(10), $"EXISTS came {sinceAppend.Elapsed.TotalMilliseconds:F0} ms after the append");
        Assert.Equal("* 1 RECENT", await idler.ReadLineAsync()); // this session is the first to see it (RFC 3501 §2.3.2)
        await idler.SendAsync("DONE\r\n");
        Assert.Equal("i OK IDLE terminated", await idler.ReadLineAsync());
    }

    [Fact]
    public async Task Mailboxes_are_watched_only_while_a_session_idles_in_them()
    {
        string user = await _a.NewUserAsync();
        var poller = _b.Get<CloudMail.Listener.Imap.ReplicaChangePoller>();
        await using var idler = await RawImapClient.ConnectAsync(Port(_b, EndpointKind.Imap), implicitTls: false);
        await idler.ReadLineAsync();
        await idler.CommandAsync($"L LOGIN \"{user}\" \"{Password}\"", "L");
        await idler.CommandAsync("s SELECT INBOX", "s");
        int before = poller.WatchedCount;

        await idler.SendAsync("i IDLE\r\n");
        Assert.Equal("+ idling", await idler.ReadLineAsync());
        int during = poller.WatchedCount;
        await idler.SendAsync("DONE\r\n");
        Assert.Equal("i OK IDLE terminated", await idler.ReadLineAsync());

        Assert.Equal(before + 1, during);
        Assert.Equal(before, poller.WatchedCount);
    }

    private static int Port(AzureListenerServer server, EndpointKind kind) =>
        server.Get<EndpointListenerService>().BoundPorts[kind];
}
