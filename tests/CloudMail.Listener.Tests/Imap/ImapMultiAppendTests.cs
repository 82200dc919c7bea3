using System.Text;
using CloudMail.Core.Mailboxes;
using CloudMail.Listener.Network;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using MimeKit;
using MailKitFlags = MailKit.MessageFlags;
using MessageFlags = CloudMail.Core.Mailboxes.MessageFlags;

namespace CloudMail.Listener.Tests.Imap;

/// <summary>MULTIAPPEND (RFC 3502): several messages in one APPEND, all stored or none.</summary>
[Collection(ImapCollection.Name)]
public class ImapMultiAppendTests(ImapServerFixture fixture)
{
    private Task<IReadOnlyList<MessageRecord>> StoredAsync(string user, string mailbox = "INBOX") =>
        fixture.Server.Get<IMailboxIndex>().GetMessagesAsync(user, mailbox, CancellationToken.None);

    private static string Message(int i) => ImapTest.TextMessage($"batch {i}", body: $"Body number {i}.");

    [Fact]
    public async Task MailKit_appends_a_batch_in_one_command_and_gets_every_uid()
    {
        string user = await fixture.NewUserAsync();
        var log = new MemoryStream();
        using var client = new ImapClient(new ProtocolLogger(log, leaveOpen: true)) { ServerCertificateValidationCallback = (_, _, _, _) => true };
        await client.ConnectAsync("127.0.0.1", fixture.Server.Port(EndpointKind.Imaps), SecureSocketOptions.SslOnConnect);
        await client.AuthenticateAsync(user, ImapServerFixture.Password);
        Assert.True(client.Capabilities.HasFlag(ImapCapabilities.MultiAppend));
        var sent = await client.GetFolderAsync("Sent");
        IAppendRequest[] requests =
        [
            new AppendRequest(MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(Message(1)))), MailKitFlags.Seen),
            new AppendRequest(MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(Message(2)))), MailKitFlags.Flagged),
            new AppendRequest(MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(Message(3)))), MailKitFlags.None),
        ];

        IList<UniqueId> uids = await sent.AppendAsync(requests);

        Assert.Equal([1u, 2u, 3u], uids.Select(u => u.Id));
        string[] sentLines = Encoding.UTF8.GetString(log.ToArray()).Split('\n').Where(l => l.StartsWith("C: ", StringComparison.Ordinal)).ToArray();
        Assert.Single(sentLines, l => l.Contains(" APPEND ", StringComparison.Ordinal)); // one command for the three
        await sent.OpenAsync(FolderAccess.ReadOnly);
        var summaries = await sent.FetchAsync(0, -1, MessageSummaryItems.UniqueId | MessageSummaryItems.Envelope | MessageSummaryItems.Flags);
        Assert.Equal(["batch 1", "batch 2", "batch 3"], summaries.Select(s => s.Envelope!.Subject));
        Assert.Equal(MailKitFlags.Seen, summaries[0].Flags!.Value & ~MailKitFlags.Recent);
        Assert.Equal(MailKitFlags.Flagged, summaries[1].Flags!.Value & ~MailKitFlags.Recent);
        await client.DisconnectAsync(true);
    }

    [Fact]
    public async Task Tagged_ok_carries_one_appenduid_with_the_uid_set()
    {
        var (user, c) = await fixture.NewRawLoginAsync();
        await using var _c = c;
        string one = Message(1), two = Message(2);
        await c.SendAsync($"a APPEND INBOX (\\Seen) {{{one.Length}}}\r\n");
        Assert.Equal("+ Ready for literal", await c.ReadLineAsync());
        await c.SendAsync($"{one} \"05-Feb-2024 10:00:00 +0000\" {{{two.Length}}}\r\n");
        Assert.Equal("+ Ready for literal", await c.ReadLineAsync());
        await c.SendAsync(two + "\r\n");

        var reply = await c.ReadUntilTaggedAsync("a");

        var info = (await fixture.Server.Get<IMailboxIndex>().GetMailboxAsync(user, "INBOX", CancellationToken.None))!;
        Assert.Equal([$"a OK [APPENDUID {info.UidValidity} 1:2] APPEND completed"], reply);
        var stored = await StoredAsync(user);
        Assert.Equal((MessageFlags.Seen, MessageFlags.None), (stored[0].Flags, stored[1].Flags));
        Assert.Equal(new DateTimeOffset(2024, 2, 5, 10, 0, 0, TimeSpan.Zero), stored[1].InternalDate);
    }

    [Fact]
    public async Task A_refused_later_message_stores_none_of_the_batch()
    {
        var (user, c) = await fixture.NewRawLoginAsync();
        await using var _c = c;
        string one = Message(1);
        await c.SendAsync($"a APPEND INBOX {{{one.Length}+}}\r\n{one} (\\Bogus) {{5}}\r\n");

        Assert.Equal(["a BAD Unsupported flag \\Bogus"], await c.ReadUntilTaggedAsync("a"));

        Assert.Equal(["b OK NOOP completed"], await c.CommandAsync("b NOOP", "b"));
        Assert.Empty(await StoredAsync(user));
    }

    [Fact]
    public async Task A_refused_literal_plus_message_is_skipped_with_the_rest_of_the_command_and_nothing_is_stored()
    {
        var (user, c) = await fixture.NewRawLoginAsync();
        await using var _c = c;
        string one = Message(1), three = Message(3);
        await c.SendAsync($"a APPEND INBOX {{{one.Length}+}}\r\n{one} {{0+}}\r\n {{{three.Length}+}}\r\n{three}\r\nb NOOP\r\n");

        Assert.Equal("a NO [CANNOT] Empty messages are not stored", await c.ReadLineAsync());
        Assert.Equal("b OK NOOP completed", await c.ReadLineAsync());
        Assert.Empty(await StoredAsync(user));
    }

    [Fact]
    public async Task A_malformed_end_of_command_stores_none_of_the_batch()
    {
        var (user, c) = await fixture.NewRawLoginAsync();
        await using var _c = c;
        string one = Message(1), two = Message(2);
        await c.SendAsync($"a APPEND INBOX {{{one.Length}+}}\r\n{one} {{{two.Length}+}}\r\n{two} trailing-garbage\r\n");

        Assert.StartsWith("a BAD APPEND:", await c.ReadLineAsync());
        Assert.Empty(await StoredAsync(user));
    }

    [Fact]
    public async Task More_messages_than_one_change_holds_is_refused_with_limit_and_nothing_is_stored()
    {
        var (user, c) = await fixture.NewRawLoginAsync();
        await using var _c = c;
        var command = new StringBuilder("a APPEND INBOX");
        for (int i = 0; i <= MessageToAppend.MaxPerAtomicAppend; i++)
        {
            string m = Message(i);
            command.Append($" {{{m.Length}+}}\r\n{m}");
        }
        await c.SendAsync(command.Append("\r\n").ToString());

        Assert.Equal($"a NO [LIMIT] At most {MessageToAppend.MaxPerAtomicAppend} messages per APPEND", await c.ReadLineAsync());
        Assert.Equal(["b OK NOOP completed"], await c.CommandAsync("b NOOP", "b"));
        Assert.Empty(await StoredAsync(user));
    }

    [Fact]
    public async Task The_whole_batch_arrives_at_once_for_a_session_watching_the_mailbox()
    {
        var (user, watcher) = await fixture.NewRawLoginAsync();
        await using var _w = watcher;
        await watcher.CommandAsync("s SELECT INBOX", "s");
        var (_, c) = (user, await RawImapClient.LoginAsync(fixture.Server, user, ImapServerFixture.Password));
        await using var _c = c;
        string one = Message(1), two = Message(2);
        await c.SendAsync($"a APPEND INBOX {{{one.Length}+}}\r\n{one} {{{two.Length}+}}\r\n{two}\r\n");
        Assert.StartsWith("a OK [APPENDUID ", await c.ReadLineAsync());

        var noop = await watcher.CommandAsync("n NOOP", "n");

        Assert.Contains("* 2 EXISTS", noop);
        Assert.DoesNotContain("* 1 EXISTS", noop);
    }
}
