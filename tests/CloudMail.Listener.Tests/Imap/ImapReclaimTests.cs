using System.Runtime.Versioning;
using System.Text;
using CloudMail.Core.Mailboxes;
using CloudMail.Listener.Tests.Infrastructure;
using MailKit;
using MimeKit;
using MessageFlags = MailKit.MessageFlags;

namespace CloudMail.Listener.Tests.Imap;

/// <summary>
/// Expunged mail is really deleted: once the last copy of a message is expunged over IMAP, its bytes are gone from the
/// blob store and from every file of the data folder, and not a moment before.
/// </summary>
[Collection(ImapCollection.Name)]
[UnsupportedOSPlatform("windows")]
public sealed class ImapReclaimTests(ImapServerFixture fixture)
{
    private TestServer Server => fixture.Server;

    [Theory]
    [InlineData(2_000)] // a row of queue.db
    [InlineData(300_000)] // a message file
    public async Task Append_copy_expunge_original_copy_still_fetchable_expunge_copy_bytes_gone(int size)
    {
        string user = await fixture.NewUserAsync();
        string secret = "CLOUDMAIL-SECRET-" + Guid.NewGuid().ToString("N");
        using var client = await fixture.ConnectAsync(user);
        IMailFolder inbox = client.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadWrite);
        UniqueId original = (await inbox.AppendAsync(Message(secret, size)))!.Value;
        string blobId = Assert.Single(await Server.Get<IMailboxIndex>().GetMessagesAsync(user, DefaultMailboxes.Inbox, CancellationToken.None)).Blob.Id;
        IMailFolder trash = await client.GetFolderAsync("Trash");
        UniqueId copy = (await inbox.CopyToAsync(original, trash))!.Value;

        await inbox.AddFlagsAsync(original, MessageFlags.Deleted, silent: true);
        await inbox.ExpungeAsync([original]); // UID EXPUNGE
        await ReclaimWatch.UntilExaminedAsync(Server, blobId);

        await trash.OpenAsync(FolderAccess.ReadWrite);
        Assert.Contains(secret, (await trash.GetMessageAsync(copy)).TextBody);
        Assert.NotEmpty(DataFolderScan.FilesContaining(Server.DataDirectory, Encoding.ASCII.GetBytes(secret)));

        await trash.AddFlagsAsync(copy, MessageFlags.Deleted, silent: true);
        await trash.ExpungeAsync();
        await ReclaimWatch.UntilReclaimedAsync(Server, blobId);

        Assert.Empty(DataFolderScan.FilesContaining(Server.DataDirectory, Encoding.ASCII.GetBytes(secret)));
        await client.DisconnectAsync(true);
    }

    private static MimeMessage Message(string secret, int size) => new()
    {
        From = { MailboxAddress.Parse("alice@remote.test") },
        To = { MailboxAddress.Parse("bob@example.test") },
        Subject = "reclaim me",
        Body = new TextPart("plain") { Text = string.Concat(Enumerable.Repeat(secret + "\r\n", size / (secret.Length + 2) + 1)) },
    };
}
