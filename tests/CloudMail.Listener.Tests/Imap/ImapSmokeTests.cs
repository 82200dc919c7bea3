using MailKit;
using MailKit.Search;

namespace CloudMail.Listener.Tests.Imap;

[Collection(ImapCollection.Name)]
public class ImapSmokeTests(ImapServerFixture fixture)
{
    [Fact]
    public async Task MailKit_logs_in_over_993_and_reads_a_delivered_message()
    {
        string user = await fixture.NewUserAsync();
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("Smoke"));
        using var client = await fixture.ConnectAsync(user);
        var inbox = client.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadWrite);
        Assert.Equal(1, inbox.Count);
        var summaries = await inbox.FetchAsync(0, -1, MessageSummaryItems.Envelope | MessageSummaryItems.BodyStructure | MessageSummaryItems.Flags | MessageSummaryItems.UniqueId | MessageSummaryItems.Size | MessageSummaryItems.InternalDate);
        Assert.Equal("Smoke", summaries[0].Envelope.Subject);
        var message = await inbox.GetMessageAsync(0);
        Assert.Equal("Smoke", message.Subject);
        var found = await inbox.SearchAsync(SearchQuery.SubjectContains("smoke"));
        Assert.Single(found);
        await client.DisconnectAsync(true);
    }
}
