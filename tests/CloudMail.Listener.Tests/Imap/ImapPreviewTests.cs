using System.Text;
using MailKit;

namespace CloudMail.Listener.Tests.Imap;

/// <summary>PREVIEW (RFC 8970) against the real server: MailKit's PreviewText and the raw wire forms.</summary>
[Collection(ImapCollection.Name)]
public class ImapPreviewTests(ImapServerFixture fixture)
{
    [Fact]
    public async Task MailKit_gets_server_previews_and_the_messages_stay_unseen()
    {
        string user = await fixture.NewUserAsync();
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("one", body: "Lunch at noon?\r\n\r\nBring the   slides."));
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX",
            "From: a@remote.test\r\nTo: b@example.test\r\nSubject: html\r\nMIME-Version: 1.0\r\nContent-Type: text/html\r\n\r\n<p>Quarterly <b>numbers</b> attached</p>\r\n");
        using var client = await fixture.ConnectAsync(user);
        Assert.True(client.Capabilities.HasFlag(MailKit.Net.Imap.ImapCapabilities.Preview));
        await client.Inbox.OpenAsync(FolderAccess.ReadWrite);

        var summaries = await client.Inbox.FetchAsync(0, -1, MessageSummaryItems.PreviewText | MessageSummaryItems.Flags);

        Assert.Equal(["Lunch at noon? Bring the slides.", "Quarterly numbers attached"], summaries.Select(s => s.PreviewText));
        Assert.All(summaries, s => Assert.False(s.Flags!.Value.HasFlag(MessageFlags.Seen)));
        await client.DisconnectAsync(true);
    }

    [Fact]
    public async Task Raw_preview_is_quoted_when_ascii_a_utf8_literal_otherwise_and_lazy_is_accepted()
    {
        string user = await fixture.NewUserAsync();
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("ascii", body: "Say \"hi\""));
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX",
            "From: a@remote.test\r\nSubject: utf8\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nGrüße\r\n");
        await using var c = await RawImapClient.LoginAsync(fixture.Server, user, ImapServerFixture.Password);
        await c.CommandAsync("s SELECT INBOX", "s");

        Assert.Equal("* 1 FETCH (UID 1 PREVIEW \"Say \\\"hi\\\"\")", (await c.CommandAsync("a UID FETCH 1 PREVIEW (LAZY)", "a"))[0]);
        var utf8 = await c.CommandAsync("b FETCH 2 (PREVIEW)", "b");
        Assert.Equal($"* 2 FETCH (PREVIEW {{{Encoding.UTF8.GetByteCount("Grüße")}}}", utf8[0]);
        Assert.Equal("b OK FETCH completed", utf8[^1]);
        Assert.StartsWith("c BAD", (await c.CommandAsync("c FETCH 1 (PREVIEW (FUZZY))", "c"))[^1]);
        Assert.Equal(["n OK NOOP completed"], await c.CommandAsync("n NOOP", "n"));
    }
}
