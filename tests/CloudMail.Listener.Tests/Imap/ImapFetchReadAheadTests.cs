using CloudMail.Core.Mailboxes;
using CloudMail.Listener.Imap.Messages;
using CloudMail.Listener.Tests.Infrastructure;

namespace CloudMail.Listener.Tests.Imap;

/// <summary>
/// A FETCH of message bytes over many messages opens the next messages' blobs while it writes the current one, so that a
/// blob store across a network (here: every client read answers after 150 ms) overlaps its round trips, and asks a store
/// whose reads are done when they return for the next messages together; answers stay complete and in order, large
/// messages are not opened ahead, and a message whose blob is gone is still left out.
/// </summary>
public sealed class ImapFetchReadAheadTests
{
    private const string User = "ahead@" + TestServer.Domain;

    /// <summary>A server whose client blob reads answer after <paramref name="readDelay"/>, with <see cref="User"/>'s INBOX holding <paramref name="messages"/>.</summary>
    private static async Task<(TestServer Server, SlowBlobReads Reads, IReadOnlyList<MessageRecord> Stored)> ServerWithMessagesAsync(
        TimeSpan readDelay, IReadOnlyList<string> messages)
    {
        SlowBlobReads reads = null!;
        var server = await TestServer.StartAsync(services: s => reads = SlowBlobReads.Decorate(s, readDelay));
        await server.AddUserAsync(User, ImapServerFixture.Password);
        foreach (string message in messages) await ImapTest.DeliverAsync(server, User, "INBOX", message);
        return (server, reads, await server.Get<IMailboxIndex>().GetMessagesAsync(User, "INBOX", CancellationToken.None));
    }

    [Fact]
    public async Task Message_bytes_of_many_messages_are_read_ahead_in_order_and_answered_in_full()
    {
        string big = ImapTest.TextMessage("big", body: new string('x', (int)BlobReadAhead.MaxSize));
        var (server, reads, stored) = await ServerWithMessagesAsync(TimeSpan.FromMilliseconds(150),
            [.. Enumerable.Range(1, 20).Select(i => ImapTest.TextMessage($"message {i}", body: $"body of {i}")), big]);
        await using var _server = server;
        var blobs = stored.Select(m => m.Blob.Id).ToList();

        await using var c = await RawImapClient.LoginAsync(server, User, ImapServerFixture.Password);
        await c.CommandAsync("s SELECT INBOX", "s");
        var lines = await c.CommandAsync("f FETCH 1:* (BODY.PEEK[TEXT])", "f");

        Assert.StartsWith("f OK", lines[^1], StringComparison.Ordinal);
        var answered = lines.Where(l => l.StartsWith("* ", StringComparison.Ordinal) && l.Contains(" FETCH ", StringComparison.Ordinal)).ToList();
        Assert.Equal(Enumerable.Range(1, 21).Select(n => $"* {n} FETCH"), answered.Select(l => l[..l.IndexOf(" (", StringComparison.Ordinal)]));
        for (int i = 1; i <= 20; i++) Assert.Contains($"body of {i}", lines[lines.IndexOf(answered[i - 1]) + 1], StringComparison.Ordinal);
        Assert.InRange(reads.MostInFlight, 2, BlobReadAhead.Window + 1);
        Assert.Equal(blobs, reads.Opened); // each blob opened once, in message order
        Assert.Equal(0, reads.OthersInFlightAtStart[blobs[^1]]); // the large one only when its turn came, after the others were read
    }

    [Fact]
    public async Task A_message_whose_blob_is_gone_is_left_out_while_the_others_are_read_ahead()
    {
        var (server, reads, stored) = await ServerWithMessagesAsync(TimeSpan.FromMilliseconds(50),
            [.. Enumerable.Range(1, 6).Select(i => ImapTest.TextMessage($"message {i}"))]);
        await using var _server = server;
        await server.Get<Core.Blobs.IMessageBlobStore>().DeleteAsync(stored[2].Blob.Id, CancellationToken.None);

        await using var c = await RawImapClient.LoginAsync(server, User, ImapServerFixture.Password);
        await c.CommandAsync("s SELECT INBOX", "s");
        var lines = await c.CommandAsync("f FETCH 1:6 (RFC822.SIZE BODY.PEEK[HEADER.FIELDS (SUBJECT)])", "f");

        Assert.StartsWith("f NO [EXPUNGEISSUED]", lines[^1], StringComparison.Ordinal);
        Assert.Equal(["* 1 FETCH", "* 2 FETCH", "* 4 FETCH", "* 5 FETCH", "* 6 FETCH"],
            lines.Where(l => l.StartsWith("* ", StringComparison.Ordinal) && l.Contains(" FETCH ", StringComparison.Ordinal)).Select(l => l[..l.IndexOf(" (", StringComparison.Ordinal)]));
        Assert.True(reads.MostInFlight >= 2);
    }

    [Fact]
    public async Task A_store_whose_reads_are_done_at_once_is_asked_for_the_next_messages_together()
    {
        string big = ImapTest.TextMessage("big", body: new string('x', (int)BlobReadAhead.MaxSize));
        var messages = Enumerable.Range(1, 70).Select(i => ImapTest.TextMessage($"message {i}")).ToList();
        messages[49] = big;
        var (server, reads, stored) = await ServerWithMessagesAsync(TimeSpan.Zero, messages);
        await using var _server = server;
        await server.Get<Core.Blobs.IMessageBlobStore>().DeleteAsync(stored[39].Blob.Id, CancellationToken.None);
        var blobs = stored.Select(m => m.Blob.Id).ToList();

        await using var c = await RawImapClient.LoginAsync(server, User, ImapServerFixture.Password);
        await c.CommandAsync("s SELECT INBOX", "s");
        var lines = await c.CommandAsync("f FETCH 1:* (BODY.PEEK[HEADER.FIELDS (SUBJECT)])", "f");

        Assert.StartsWith("f NO [EXPUNGEISSUED]", lines[^1], StringComparison.Ordinal);
        var subjects = lines.Where(l => l.StartsWith("Subject: ", StringComparison.Ordinal)).ToList();
        Assert.Equal(Enumerable.Range(1, 70).Where(i => i != 40).Select(i => i == 50 ? "Subject: big" : $"Subject: message {i}"), subjects);
        // The first message alone (which shows the store answers at once), then batches in order up to the large one,
        // which is read alone, and batches after it.
        Assert.Equal([blobs[0], blobs[49]], reads.Opened);
        Assert.Equal([blobs[1..33], blobs[33..49], blobs[50..70]], reads.Batches);
    }
}
