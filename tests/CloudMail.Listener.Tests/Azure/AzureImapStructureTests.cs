using System.Text;
using CloudMail.Core.Blobs;
using CloudMail.Core.Mailboxes;
using CloudMail.Listener.Imap.Messages;
using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Imap;

namespace CloudMail.Listener.Tests.Azure;

/// <summary>
/// IMAP over the Azure backend (Blob and Table storage on Azurite): a session holding a mailbox of more messages than
/// one batch of kept structures answers ENVELOPE for all of them from the Table rows (their blobs deleted), and a
/// message-list fetch of header fields reads every blob, ahead of the one being written, in full and in order.
/// </summary>
public sealed class AzureImapStructureTests : IAsyncLifetime
{
    private const string Password = "correct horse battery";
    private const int Messages = KeptStructureReader.BatchSize + 44;
    private AzureListenerServer _server = null!;

    public async Task InitializeAsync() => _server = await AzureListenerServer.StartAsync(settings: new Dictionary<string, string?>
    {
        ["CloudMail:Ports:Imap"] = "0",
        ["CloudMail:Imap:AllowInsecureAuth"] = "true",
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<RawImapClient> LoginAsync(string user)
    {
        var c = await RawImapClient.ConnectAsync(_server.Get<EndpointListenerService>().BoundPorts[EndpointKind.Imap], implicitTls: false);
        await c.ReadLineAsync();
        await c.CommandAsync($"L LOGIN \"{user}\" \"{Password}\"", "L");
        return c;
    }

    /// <summary>Appends <see cref="Messages"/> messages with MULTIAPPEND (the structure of each kept with it), subjects "message 1" ...</summary>
    private async Task<string> UserWithMessagesAsync()
    {
        string user = await _server.NewUserAsync();
        await using var c = await LoginAsync(user);
        for (int first = 1; first <= Messages; first += 40)
        {
            var command = new StringBuilder("a APPEND INBOX");
            for (int n = first; n < first + 40 && n <= Messages; n++)
            {
                string message = ImapTest.TextMessage($"message {n}", body: $"body {n}");
                command.Append($" {{{Encoding.UTF8.GetByteCount(message)}+}}\r\n").Append(message);
            }
            await c.SendAsync(command.Append("\r\n").ToString());
            Assert.StartsWith("a OK", (await c.ReadUntilTaggedAsync("a"))[^1], StringComparison.Ordinal);
        }
        return user;
    }

    [Fact]
    public async Task Envelopes_of_more_messages_than_one_batch_come_from_the_kept_structures()
    {
        string user = await UserWithMessagesAsync();
        var records = await _server.Get<IMailboxIndex>().GetMessagesAsync(user, "INBOX", CancellationToken.None);
        foreach (var m in records) await _server.Get<IMessageBlobStore>().DeleteAsync(m.Blob.Id, CancellationToken.None);

        await using var c = await LoginAsync(user);
        await c.CommandAsync("s SELECT INBOX", "s");
        var lines = await c.CommandAsync("f FETCH 1:* (ENVELOPE)", "f");

        Assert.StartsWith("f OK", lines[^1], StringComparison.Ordinal);
        var envelopes = lines.Where(l => l.Contains(" FETCH (ENVELOPE (", StringComparison.Ordinal)).ToList();
        Assert.Equal(Messages, envelopes.Count);
        for (int n = 1; n <= Messages; n++) Assert.Contains($"\"message {n}\"", envelopes[n - 1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_message_list_fetch_reads_every_message_in_full_and_in_order()
    {
        string user = await UserWithMessagesAsync();

        await using var c = await LoginAsync(user);
        await c.CommandAsync("s SELECT INBOX", "s");
        await c.SendAsync("f UID FETCH 1:* (RFC822.SIZE BODY.PEEK[HEADER.FIELDS (SUBJECT)] BODY.PEEK[TEXT])\r\n");
        var (untagged, tagged) = await c.ReadWithLiteralsAsync("f", "", Encoding.UTF8);

        Assert.StartsWith("f OK", tagged, StringComparison.Ordinal);
        int at = 0;
        for (int n = 1; n <= Messages; n++)
        {
            at = untagged.IndexOf($"Subject: message {n}\r\n", at, StringComparison.Ordinal);
            Assert.True(at >= 0, $"message {n} missing or out of order");
            at = untagged.IndexOf($"body {n}\r\n", at, StringComparison.Ordinal);
            Assert.True(at >= 0, $"body of message {n} missing or out of order");
        }
    }
}
