using System.Runtime.Versioning;
using System.Text;
using CloudMail.Listener.Tests.Infrastructure;
using CloudMail.Tests.Shared;
using CloudMail.Core.Mailboxes;

namespace CloudMail.Listener.Tests.Imap;

/// <summary>
/// A message whose file has gone from the data folder (removed by hand, lost with a damaged disk, left out of a
/// restore) is one message an IMAP client cannot read, not a mailbox it can no longer search: SEARCH leaves it out of
/// its answer, FETCH of it says so, and the session goes on.
/// </summary>
[Collection(ImapCollection.Name)]
[UnsupportedOSPlatform("windows")]
public sealed class ImapMissingMessageFileTests(ImapServerFixture fixture)
{
    private TestServer Server => fixture.Server;

    [Fact]
    public async Task Searching_headers_of_a_mailbox_with_a_lost_message_file_answers_without_it_and_the_session_goes_on()
    {
        string user = await fixture.NewUserAsync();
        string secret = "LOST-" + Guid.NewGuid().ToString("N");
        await ImapTest.DeliverAsync(Server, user, DefaultMailboxes.Inbox, ImapTest.TextMessage("kept " + secret));
        await ImapTest.DeliverAsync(Server, user, DefaultMailboxes.Inbox,
            ImapTest.TextMessage("lost " + secret, body: new string('x', 76) + "\r\n" + string.Concat(Enumerable.Repeat(new string('y', 76) + "\r\n", 4_000))));
        await using (var first = await RawImapClient.LoginAsync(Server, user, ImapServerFixture.Password))
        {
            // Read once, so the mailbox index keeps the messages' structure (what lets a later command skip the file).
            Assert.StartsWith("a OK", (await first.CommandAsync("a SELECT INBOX", "a"))[^1]);
            Assert.StartsWith("b OK", (await first.CommandAsync("b FETCH 1:2 (BODYSTRUCTURE)", "b"))[^1]);
            Assert.StartsWith("c OK", (await first.CommandAsync("c LOGOUT", "c"))[^1]);
        }
        string file = Assert.Single(DataFolderScan.FilesContaining(Server.DataDirectory, Encoding.ASCII.GetBytes("lost " + secret)),
            path => path.StartsWith("messages" + Path.DirectorySeparatorChar, StringComparison.Ordinal) && path.EndsWith(".eml", StringComparison.Ordinal));
        File.Delete(Path.Combine(Server.DataDirectory, file));

        await using var client = await RawImapClient.LoginAsync(Server, user, ImapServerFixture.Password);
        Assert.StartsWith("a OK", (await client.CommandAsync("a SELECT INBOX", "a"))[^1]);
        Assert.Equal(["* SEARCH 1", "b OK SEARCH completed"], await client.CommandAsync($"b SEARCH HEADER Subject {secret}", "b"));
        Assert.Equal(["* SEARCH 1", "c OK SEARCH completed"], await client.CommandAsync($"c SEARCH SUBJECT kept", "c"));
        Assert.Equal("d NO [EXPUNGEISSUED] Some of the requested messages no longer exist",
            Assert.Single(await client.CommandAsync("d FETCH 2 (BODY.PEEK[HEADER])", "d")));
        Assert.StartsWith("e OK", (await client.CommandAsync("e NOOP", "e"))[^1]);
    }
}
