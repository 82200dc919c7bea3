using System.Text;
using CloudMail.ContractTests;
using CloudMail.Core.Auth;
using CloudMail.Core.Blobs;
using CloudMail.Core.Delivery;
using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Directory;
using CloudMail.Core.Mailboxes;
using CloudMail.Core.Messages;
using CloudMail.Storage.Embedded.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace CloudMail.Storage.Embedded.Tests;

/// <summary>
/// Removing a user erases it (GDPR Art. 17): after <c>cloudmail user remove</c> and a reclaim pass, no file of the data
/// folder holds its address (not even as an alias target) or the bytes of a message only it had; a message it shared with
/// another account stays, and so do the other targets of its aliases.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class AccountErasureTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly CancellationToken _ct = CancellationToken.None;

    [Fact]
    public async Task A_removed_user_leaves_no_trace_of_its_address_or_its_own_messages_in_any_file()
    {
        await using EmbeddedStorage store = EmbeddedStorage.Open(_folder.Path);
        string domain = Unique.Domain();
        string erased = $"erased-{Unique.Suffix()}@{domain}";
        string keeper = $"keeper-{Unique.Suffix()}@{domain}";
        await store.MailDirectory.AddDomainAsync(domain, _ct);
        var admin = new AccountAdministration(store.MailDirectory, store.Mailboxes, store.DeliveryLog, new AuthOptions { PasswordHashIterations = 1000 });
        await admin.AddUserAsync(erased, "correct horse battery", _ct);
        await admin.AddUserAsync(keeper, "correct horse battery", _ct);
        await store.MailDirectory.AddAliasAsync("sales@" + domain, erased, _ct);
        await store.MailDirectory.AddAliasAsync("team@" + domain, erased, _ct);
        await store.MailDirectory.AddAliasAsync("team@" + domain, keeper, _ct);
        byte[] ownSecret = Encoding.ASCII.GetBytes("OWN-" + Guid.NewGuid().ToString("N"));
        BlobRef own = await PutAsync(store, Encoding.ASCII.GetBytes($"To: {erased}\r\nSubject: own\r\n\r\n{Encoding.ASCII.GetString(ownSecret)}\r\n"));
        BlobRef shared = await PutAsync(store, Encoding.ASCII.GetBytes("Subject: shared\r\n\r\nfor both\r\n"));
        AppendResult kept = await store.Mailboxes.AppendAsync(erased, DefaultMailboxes.Inbox, own, DateTimeOffset.UtcNow, MessageFlags.None, ["$Important"], own.Id, _ct);
        AppendResult gone = await store.Mailboxes.AppendAsync(erased, DefaultMailboxes.Inbox, shared, DateTimeOffset.UtcNow, MessageFlags.None, [], shared.Id, _ct);
        await store.Mailboxes.AppendAsync(keeper, DefaultMailboxes.Inbox, shared, DateTimeOffset.UtcNow, MessageFlags.None, [], shared.Id, _ct);
        await store.Mailboxes.ExpungeAsync(erased, DefaultMailboxes.Inbox, [gone.Uid], _ct);
        await store.Mailboxes.CreateMailboxAsync(erased, "Projects/" + erased, SpecialUse.None, _ct);
        await store.DeliveryLog.RecordAsync(new DeliveryRecord(own.Id, erased, DeliveryStatus.Delivered, 1, "250 ok", DateTimeOffset.UtcNow), _ct);
        await store.DeliveryLog.RecordAsync(new DeliveryRecord(shared.Id, keeper, DeliveryStatus.Delivered, 1, "250 ok", DateTimeOffset.UtcNow), _ct);
        Assert.NotEqual(0u, kept.Uid);

        Assert.True(await admin.RemoveUserAsync(erased, _ct));
        ReclaimResult reclaimed = await new MessageReclaimer(store.References, store.DeliveryLog, store.Blobs, TimeProvider.System,
            NullLogger<MessageReclaimer>.Instance).ReclaimAsync(ReclaimLimits.Default, _ct);
        Assert.True(await store.FlushDeletedMessagesAsync(_ct));
        Assert.True(store.MailDatabase.TruncateWriteAheadLog());

        Assert.Equal(1, reclaimed.Reclaimed);
        Assert.Empty(await store.MailDirectory.GetAliasTargetsAsync("sales@" + domain, _ct));
        Assert.Equal([keeper], await store.MailDirectory.GetAliasTargetsAsync("team@" + domain, _ct));
        Assert.False(await store.Blobs.ExistsAsync(own.Id, _ct));
        Assert.True(await store.Blobs.ExistsAsync(shared.Id, _ct));
        Assert.Empty(DataFolderScan.FilesContaining(_folder.Path, Encoding.ASCII.GetBytes(erased)));
        Assert.Empty(DataFolderScan.FilesContaining(_folder.Path, ownSecret));
        Assert.NotEmpty(DataFolderScan.FilesContaining(_folder.Path, Encoding.ASCII.GetBytes(keeper)));
    }

    [Fact]
    public async Task A_user_created_again_after_removal_gets_new_UIDVALIDITY_values()
    {
        await using EmbeddedStorage store = EmbeddedStorage.Open(_folder.Path);
        string account = Unique.Account();
        await store.Mailboxes.EnsureDefaultMailboxesAsync(account, _ct);
        uint before = (await store.Mailboxes.GetMailboxAsync(account, DefaultMailboxes.Inbox, _ct))!.UidValidity;

        await store.Mailboxes.DeleteAccountDataAsync(account, _ct);
        await store.Mailboxes.EnsureDefaultMailboxesAsync(account, _ct);

        IReadOnlyList<MailboxInfo> again = await store.Mailboxes.ListMailboxesAsync(account, _ct);
        Assert.All(again, m => Assert.True(m.UidValidity > before + 4, $"{m.Name} got {m.UidValidity}, not above the erased {before}+4"));
    }

    private async Task<BlobRef> PutAsync(EmbeddedStorage store, byte[] bytes)
    {
        await using IBlobWriter writer = store.Blobs.CreateWriter(MessageIds.New());
        await writer.WriteAsync(bytes, _ct);
        return await writer.CommitAsync(_ct);
    }

    public void Dispose() => _folder.Dispose();
}
