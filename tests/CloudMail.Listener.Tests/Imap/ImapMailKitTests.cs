using System.Security.Cryptography;
using System.Text;
using CloudMail.Core.Mailboxes;
using CloudMail.Listener.Network;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using MimeKit;
using MessageFlags = MailKit.MessageFlags;

namespace CloudMail.Listener.Tests.Imap;

/// <summary>A real client (MailKit) doing what Thunderbird and friends do.</summary>
[Collection(ImapCollection.Name)]
public class ImapMailKitTests(ImapServerFixture fixture)
{
    private static readonly byte[] AttachmentBytes = RandomNumberGenerator.GetBytes(300);

    private static string MessageWithAttachment(out string attachmentSection)
    {
        string base64 = string.Join("\r\n", Convert.ToBase64String(AttachmentBytes).Chunk(76).Select(c => new string(c)));
        attachmentSection = base64 + "\r\n";
        return "From: Alice <alice@remote.test>\r\nTo: Bob <bob@example.test>, carol@example.test\r\nCc: dave@remote.test\r\n"
            + "Subject: With attachment\r\nDate: Tue, 02 Jan 2024 09:30:00 +0100\r\nMessage-ID: <att-1@remote.test>\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
            + "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSee attached.\r\n"
            + "--b1\r\nContent-Type: application/octet-stream; name=\"data.bin\"\r\nContent-Disposition: attachment; filename=\"data.bin\"\r\n"
            + "Content-Transfer-Encoding: base64\r\n\r\n" + attachmentSection
            + "--b1--\r\n";
    }

    [Fact]
    public async Task New_user_sees_inbox_and_special_use_folders_with_their_attributes()
    {
        string user = await fixture.NewUserAsync();
        using var client = await fixture.ConnectAsync(user);
        var folders = await client.GetFoldersAsync(client.PersonalNamespaces[0]);
        var byName = folders.ToDictionary(f => f.FullName);
        Assert.Contains("INBOX", byName.Keys);
        Assert.True(byName["Sent"].Attributes.HasFlag(FolderAttributes.Sent));
        Assert.True(byName["Drafts"].Attributes.HasFlag(FolderAttributes.Drafts));
        Assert.True(byName["Trash"].Attributes.HasFlag(FolderAttributes.Trash));
        Assert.True(byName["Junk"].Attributes.HasFlag(FolderAttributes.Junk));
        Assert.Equal('/', client.PersonalNamespaces[0].DirectorySeparator);
        Assert.Equal("Trash", (await client.GetFolderAsync(SpecialFolder.Trash.ToString())).FullName);
        Assert.Equal("Sent", client.GetFolder(SpecialFolder.Sent)?.FullName);
    }

    [Fact]
    public async Task Starttls_on_143_then_login_works()
    {
        string user = await fixture.NewUserAsync();
        using var client = new ImapClient { ServerCertificateValidationCallback = (_, _, _, _) => true };
        await client.ConnectAsync("127.0.0.1", fixture.Server.Port(EndpointKind.Imap), SecureSocketOptions.StartTls);
        Assert.True(client.IsSecure);
        await client.AuthenticateAsync(user, ImapServerFixture.Password);
        var inbox = client.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadOnly);
        Assert.Equal(0, inbox.Count);
        await client.DisconnectAsync(true);
    }

    [Fact]
    public async Task Fetching_summaries_returns_envelope_structure_flags_uid_size_and_date()
    {
        string user = await fixture.NewUserAsync();
        string raw = MessageWithAttachment(out _);
        var date = new DateTimeOffset(2024, 1, 2, 8, 31, 0, TimeSpan.Zero);
        uint uid = await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", raw, CloudMail.Core.Mailboxes.MessageFlags.Flagged, date);
        using var client = await fixture.ConnectAsync(user);
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
        var s = (await client.Inbox.FetchAsync(0, -1, MessageSummaryItems.Envelope | MessageSummaryItems.BodyStructure
            | MessageSummaryItems.Flags | MessageSummaryItems.UniqueId | MessageSummaryItems.Size | MessageSummaryItems.InternalDate))[0];
        Assert.Equal(uid, s.UniqueId.Id);
        Assert.Equal((uint)Encoding.UTF8.GetByteCount(raw), s.Size);
        Assert.Equal(date, s.InternalDate);
        Assert.Equal(MessageFlags.Flagged | MessageFlags.Recent, s.Flags); // EXAMINE shows unclaimed messages as recent
        Assert.Equal("With attachment", s.Envelope!.Subject);
        Assert.Equal("alice@remote.test", s.Envelope.From.Mailboxes.Single().Address);
        Assert.Equal("Alice", s.Envelope.From.Mailboxes.Single().Name);
        Assert.Equal(["bob@example.test", "carol@example.test"], s.Envelope.To.Mailboxes.Select(m => m.Address));
        Assert.Equal("dave@remote.test", s.Envelope.Cc.Mailboxes.Single().Address);
        Assert.Equal("att-1@remote.test", s.Envelope.MessageId);
        Assert.Equal("alice@remote.test", s.Envelope.Sender.Mailboxes.Single().Address); // defaults to From
        var multipart = Assert.IsType<BodyPartMultipart>(s.Body);
        Assert.Equal("mixed", multipart.ContentType.MediaSubtype, ignoreCase: true);
        var text = Assert.IsType<BodyPartText>(multipart.BodyParts[0]);
        Assert.Equal("utf-8", text.ContentType.Charset, ignoreCase: true);
        Assert.Equal(0u, text.Lines); // "See attached." ends at the boundary: no line end of its own (as Dovecot counts)
        var attachment = Assert.IsType<BodyPartBasic>(multipart.BodyParts[1]);
        Assert.Equal("data.bin", attachment.FileName);
        Assert.True(attachment.IsAttachment);
        Assert.Equal("base64", attachment.ContentTransferEncoding, ignoreCase: true);
        Assert.Equal("2", attachment.PartSpecifier);
    }

    [Fact]
    public async Task Message_and_attachment_part_come_back_byte_exact()
    {
        string user = await fixture.NewUserAsync();
        string raw = MessageWithAttachment(out string attachmentSection);
        uint uid = await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", raw);
        using var client = await fixture.ConnectAsync(user);
        var inbox = client.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadWrite);
        var id = new UniqueId(uid);

        await using (var whole = await inbox.GetStreamAsync(id, ""))
            Assert.Equal(Encoding.UTF8.GetBytes(raw), await ReadAllAsync(whole));
        await using (var part = await inbox.GetStreamAsync(id, "2"))
            Assert.Equal(attachmentSection.TrimEnd('\r', '\n'), Encoding.ASCII.GetString(await ReadAllAsync(part)));

        var summary = (await inbox.FetchAsync([id], MessageSummaryItems.BodyStructure))[0];
        var attachment = summary.Attachments.Single();
        var entity = (MimePart)await inbox.GetBodyPartAsync(id, attachment);
        using var decoded = new MemoryStream();
        await entity.Content!.DecodeToAsync(decoded);
        Assert.Equal(AttachmentBytes, decoded.ToArray());

        var message = await inbox.GetMessageAsync(id);
        Assert.Equal("See attached.", message.TextBody!.Trim());
    }

    [Fact]
    public async Task Flags_and_keywords_can_be_set_and_removed()
    {
        string user = await fixture.NewUserAsync();
        uint uid = await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("Flags"));
        using var client = await fixture.ConnectAsync(user);
        var inbox = client.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadWrite);
        var id = new UniqueId(uid);
        await inbox.StoreAsync(id, new StoreFlagsRequest(StoreAction.Add, MessageFlags.Seen | MessageFlags.Flagged) { Keywords = { "$Work" } });
        var s = (await inbox.FetchAsync([id], MessageSummaryItems.Flags))[0];
        Assert.Equal(MessageFlags.Seen | MessageFlags.Flagged | MessageFlags.Recent, s.Flags!.Value & ~MessageFlags.UserDefined);
        Assert.Contains("$Work", s.Keywords);
        await inbox.StoreAsync(id, new StoreFlagsRequest(StoreAction.Remove, MessageFlags.Flagged) { Keywords = { "$Work" } });
        s = (await inbox.FetchAsync([id], MessageSummaryItems.Flags))[0];
        Assert.Equal(MessageFlags.Seen | MessageFlags.Recent, s.Flags!.Value & ~MessageFlags.UserDefined);
        Assert.Empty(s.Keywords);
        var stored = await fixture.Server.Get<IMailboxIndex>().GetMessagesAsync(user, "INBOX", CancellationToken.None);
        Assert.Equal(CloudMail.Core.Mailboxes.MessageFlags.Seen, stored.Single().Flags);
    }

    [Fact]
    public async Task Copy_and_move_to_trash_report_new_uids_and_expunge_removes_deleted()
    {
        string user = await fixture.NewUserAsync();
        for (int i = 1; i <= 3; i++) await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("M" + i));
        using var client = await fixture.ConnectAsync(user);
        var inbox = client.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadWrite);
        var trash = client.GetFolder(SpecialFolder.Trash)!;
        var uids = await inbox.SearchAsync(SearchQuery.All);

        var copied = await inbox.CopyToAsync(uids[0], trash);
        Assert.NotNull(copied);
        Assert.Equal(3, inbox.Count);

        var moved = await inbox.MoveToAsync(uids[1], trash);
        Assert.NotNull(moved);
        Assert.Equal(2, inbox.Count);
        await trash.StatusAsync(StatusItems.Count);
        Assert.Equal(2, trash.Count);

        await inbox.AddFlagsAsync(uids[2], MessageFlags.Deleted, silent: true);
        await inbox.ExpungeAsync();
        Assert.Equal(1, inbox.Count);
        var left = await inbox.FetchAsync(0, -1, MessageSummaryItems.Envelope);
        Assert.Equal("M1", left.Single().Envelope!.Subject);
    }

    [Fact]
    public async Task Search_by_subject_from_unseen_and_date()
    {
        string user = await fixture.NewUserAsync();
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("Quarterly report", from: "Zed <zed@remote.test>"),
            CloudMail.Core.Mailboxes.MessageFlags.Seen, new DateTimeOffset(2023, 5, 1, 12, 0, 0, TimeSpan.Zero));
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("Lunch?", body: "Pizza at noon", date: "Wed, 10 Jan 2024 11:00:00 +0000"),
            internalDate: new DateTimeOffset(2024, 1, 10, 11, 0, 0, TimeSpan.Zero));
        using var client = await fixture.ConnectAsync(user);
        var inbox = client.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadOnly);
        Assert.Single(await inbox.SearchAsync(SearchQuery.SubjectContains("QUARTERLY")));
        Assert.Single(await inbox.SearchAsync(SearchQuery.FromContains("zed@remote")));
        var unseen = await inbox.SearchAsync(SearchQuery.NotSeen);
        Assert.Equal("Lunch?", (await inbox.FetchAsync(unseen, MessageSummaryItems.Envelope))[0].Envelope!.Subject);
        Assert.Single(await inbox.SearchAsync(SearchQuery.DeliveredAfter(new DateTime(2024, 1, 1))));
        Assert.Single(await inbox.SearchAsync(SearchQuery.SentSince(new DateTime(2024, 1, 5))));
        Assert.Single(await inbox.SearchAsync(SearchQuery.BodyContains("pizza")));
        Assert.Equal(2, (await inbox.SearchAsync(SearchQuery.Or(SearchQuery.BodyContains("pizza"), SearchQuery.SubjectContains("report")))).Count);
        Assert.Empty(await inbox.SearchAsync(SearchQuery.SubjectContains("nothing like this")));
    }

    [Fact]
    public async Task Folders_can_be_created_renamed_subscribed_and_deleted()
    {
        string user = await fixture.NewUserAsync();
        using var client = await fixture.ConnectAsync(user);
        var root = client.GetFolder(client.PersonalNamespaces[0]);
        var projects = await root.CreateAsync("Projects", isMessageFolder: true);
        var alpha = (await projects!.CreateAsync("Älpha", isMessageFolder: true))!;
        Assert.Equal("Projects/Älpha", alpha.FullName);
        await alpha.SubscribeAsync();
        var subscribed = await client.GetFoldersAsync(client.PersonalNamespaces[0], StatusItems.None, subscribedOnly: true);
        Assert.Contains(subscribed, f => f.FullName == "Projects/Älpha");

        await alpha.RenameAsync(projects, "Beta");
        var names = (await client.GetFoldersAsync(client.PersonalNamespaces[0])).Select(f => f.FullName).ToList();
        Assert.Contains("Projects/Beta", names);
        Assert.DoesNotContain("Projects/Älpha", names);
        var projectsListed = (await root.GetSubfoldersAsync()).Single(f => f.Name == "Projects");
        Assert.True(projectsListed.Attributes.HasFlag(FolderAttributes.HasChildren));

        var beta = await client.GetFolderAsync("Projects/Beta");
        await beta.DeleteAsync();
        Assert.DoesNotContain("Projects/Beta", (await client.GetFoldersAsync(client.PersonalNamespaces[0])).Select(f => f.FullName));
        var stored = await fixture.Server.Get<IMailboxIndex>().ListMailboxesAsync(user, CancellationToken.None);
        Assert.Contains(stored, m => m.Name == "Projects");
    }

    [Fact]
    public async Task Append_with_flags_and_date_returns_the_uid_and_keeps_them()
    {
        string user = await fixture.NewUserAsync();
        using var client = await fixture.ConnectAsync(user);
        var drafts = client.GetFolder(SpecialFolder.Drafts)!;
        var message = MimeMessage.CreateFromMailMessage(new System.Net.Mail.MailMessage("me@example.test", "you@remote.test", "Draft one", "Body text"));
        var date = new DateTimeOffset(2023, 12, 24, 18, 0, 0, TimeSpan.FromHours(1));
        var uid = await drafts.AppendAsync(new AppendRequest(message, MessageFlags.Draft | MessageFlags.Seen) { InternalDate = date });
        Assert.NotNull(uid);
        await drafts.OpenAsync(FolderAccess.ReadOnly);
        var s = (await drafts.FetchAsync([uid.Value], MessageSummaryItems.Flags | MessageSummaryItems.InternalDate | MessageSummaryItems.Envelope))[0];
        Assert.Equal(MessageFlags.Draft | MessageFlags.Seen | MessageFlags.Recent, s.Flags);
        Assert.Equal(date, s.InternalDate);
        Assert.Equal("Draft one", s.Envelope!.Subject);
    }

    [Fact]
    public async Task Idle_reports_a_message_appended_by_another_connection()
    {
        string user = await fixture.NewUserAsync();
        using var watcher = await fixture.ConnectAsync(user);
        var inbox = watcher.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadOnly);
        var arrived = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        inbox.CountChanged += (_, _) => arrived.TrySetResult(inbox.Count);
        using var done = new CancellationTokenSource();
        var idle = watcher.IdleAsync(done.Token);

        using (var sender = await fixture.ConnectAsync(user))
        {
            await Task.Delay(200);
            var message = MimeMessage.CreateFromMailMessage(new System.Net.Mail.MailMessage("x@remote.test", user, "Pushed", "hi"));
            await sender.Inbox.AppendAsync(new AppendRequest(message, MessageFlags.None));
        }
        Assert.Equal(1, await arrived.Task.WaitAsync(ImapTest.Timeout));
        await done.CancelAsync();
        await idle;
        var s = (await inbox.FetchAsync(0, -1, MessageSummaryItems.Envelope))[0];
        Assert.Equal("Pushed", s.Envelope!.Subject);
    }

    [Fact]
    public async Task Idle_reports_flag_changes_and_expunges_from_another_connection()
    {
        string user = await fixture.NewUserAsync();
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("one"));
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("two"));
        using var watcher = await fixture.ConnectAsync(user);
        var inbox = watcher.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadOnly);
        var flagged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var expunged = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        inbox.MessageFlagsChanged += (_, e) => { if (e.Flags.HasFlag(MessageFlags.Flagged)) flagged.TrySetResult(); };
        inbox.MessageExpunged += (_, e) => expunged.TrySetResult(e.Index);
        using var done = new CancellationTokenSource();
        var idle = watcher.IdleAsync(done.Token);

        using (var other = await fixture.ConnectAsync(user))
        {
            await other.Inbox.OpenAsync(FolderAccess.ReadWrite);
            await other.Inbox.AddFlagsAsync(1, MessageFlags.Flagged, silent: true);
            await flagged.Task.WaitAsync(ImapTest.Timeout);
            await other.Inbox.AddFlagsAsync(0, MessageFlags.Deleted, silent: true);
            await other.Inbox.ExpungeAsync();
        }
        Assert.Equal(0, await expunged.Task.WaitAsync(ImapTest.Timeout));
        await done.CancelAsync();
        await idle;
        Assert.Equal(1, inbox.Count);
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        using var ms = new MemoryStream();
        await stream.CopyToAsync(ms);
        return ms.ToArray();
    }
}
