using System.Reflection;
using System.Text;
using CloudMail.ContractTests;
using CloudMail.Core.Blobs;
using CloudMail.Core.Delivery;
using CloudMail.Core.Directory;
using CloudMail.Core.Filtering.SenderLists;
using CloudMail.Core.Mailboxes;
using CloudMail.Core.Messages;
using CloudMail.Core.Pipeline;
using CloudMail.Core.Queue;
using CloudMail.Core.Routing;
using CloudMail.Storage.Embedded.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CloudMail.Storage.Embedded.Tests;

/// <summary>
/// Reclaiming on the embedded store, beyond the contract: the bytes of an expunged message leave every file of the data
/// folder, and a message still being routed to further recipients is never reclaimed under them.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ReclaimTests : IDisposable
{
    private const string Inbox = DefaultMailboxes.Inbox;
    private readonly TempFolder _folder = new();
    private readonly CancellationToken _ct = CancellationToken.None;

    [Theory]
    [InlineData(2_000)] // a row of queue.db
    [InlineData(300_000)] // a file under messages/
    public async Task An_expunged_message_leaves_no_trace_of_its_bytes_in_any_file_of_the_data_folder(int size)
    {
        await using EmbeddedStorage store = EmbeddedStorage.Open(_folder.Path);
        byte[] secret = Encoding.ASCII.GetBytes("CLOUDMAIL-SECRET-" + Guid.NewGuid().ToString("N"));
        string account = Unique.Account();
        await store.Mailboxes.EnsureDefaultMailboxesAsync(account, _ct);
        BlobRef blob = await PutAsync(store, Message(secret, size));
        uint uid = (await store.Mailboxes.AppendAsync(account, Inbox, blob, DateTimeOffset.UtcNow, MessageFlags.None, [], null, _ct)).Uid;
        while (await store.IndexPendingTextAsync(100, _ct) > 0) { } // and its text in the search index, upper-cased
        byte[] indexed = Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(secret).ToUpperInvariant());
        Assert.True(await store.FlushDeletedMessagesAsync(_ct)); // the bytes are now in queue.db itself, not only in its log
        Assert.NotEmpty(DataFolderScan.FilesContaining(_folder.Path, secret));
        Assert.NotEmpty(DataFolderScan.FilesContaining(_folder.Path, indexed));

        await store.Mailboxes.ExpungeAsync(account, Inbox, [uid], _ct);
        ReclaimResult result = await Reclaimer(store).ReclaimAsync(ReclaimLimits.Default, _ct);
        Assert.True(await store.FlushDeletedMessagesAsync(_ct));

        Assert.Equal(1, result.Reclaimed);
        Assert.Empty(DataFolderScan.FilesContaining(_folder.Path, secret));
        Assert.Empty(DataFolderScan.FilesContaining(_folder.Path, indexed));
    }

    [Fact]
    public async Task A_message_for_two_accounts_is_not_reclaimed_when_the_first_expunges_it_before_the_second_gets_it()
    {
        await using EmbeddedStorage store = EmbeddedStorage.Open(_folder.Path);
        await store.MailDirectory.AddDomainAsync("fanout.test", _ct);
        foreach (string user in new[] { "first", "second" })
        {
            await store.MailDirectory.AddAccountAsync($"{user}@fanout.test", "hash", _ct);
            await store.Mailboxes.EnsureDefaultMailboxesAsync($"{user}@fanout.test", _ct);
        }
        BlobRef blob = await PutAsync(store, Encoding.ASCII.GetBytes("Subject: two\r\n\r\nfor both\r\n"));
        // Between the two appends, the first recipient expunges its copy and a reclaim pass runs.
        IMailboxIndex racing = AfterFirstAppend.Wrap(store.Mailboxes, async (account, uid) =>
        {
            await store.Mailboxes.ExpungeAsync(account, Inbox, [uid], _ct);
            await Reclaimer(store).ReclaimAsync(ReclaimLimits.Default, _ct);
        });
        var processor = new InboundProcessor(new RecipientResolver(store.MailDirectory), racing, store.Blobs, store.Queue, store.DeliveryLog,
            new NoRemoteDeliveryRoute(), new SrsRewriter(SrsSecret.None, Options.Create(new RoutingOptions()), TimeProvider.System), new MailboxChangeNotifier(),
            new SenderListPolicy(store.SenderLists, TimeProvider.System, TimeSpan.Zero), TimeProvider.System, NullLogger<InboundProcessor>.Instance);
        var envelope = new Envelope("sender@remote.test", ["first@fanout.test", "second@fanout.test"], null, "192.0.2.1", "remote.test", DateTimeOffset.UtcNow);

        StageOutcome outcome = await processor.ProcessAsync(new MailJob(blob.Id, blob.Id, blob, envelope), _ct);

        Assert.Equal(StageOutcome.Done, outcome);
        Assert.Empty(await store.Mailboxes.GetMessagesAsync("first@fanout.test", Inbox, _ct));
        Assert.Equal(blob, Assert.Single(await store.Mailboxes.GetMessagesAsync("second@fanout.test", Inbox, _ct)).Blob);
        Assert.True(await store.Blobs.ExistsAsync(blob.Id, _ct));
    }

    private static MessageReclaimer Reclaimer(EmbeddedStorage store) =>
        new(store.References, store.DeliveryLog, store.Blobs, TimeProvider.System, NullLogger<MessageReclaimer>.Instance);

    private static byte[] Message(byte[] secret, int size)
    {
        var text = new StringBuilder("Subject: secret\r\n\r\n");
        while (text.Length < size) text.Append(Encoding.ASCII.GetString(secret)).Append("\r\n");
        return Encoding.ASCII.GetBytes(text.ToString());
    }

    private async Task<BlobRef> PutAsync(EmbeddedStorage store, byte[] bytes)
    {
        await using IBlobWriter writer = store.Blobs.CreateWriter(MessageIds.New());
        await writer.WriteAsync(bytes, _ct);
        return await writer.CommitAsync(_ct);
    }

    public void Dispose() => _folder.Dispose();

    /// <summary>An <see cref="IMailboxIndex"/> that runs a hook after its first successful append, with the account and UID.</summary>
    public class AfterFirstAppend : DispatchProxy
    {
        private IMailboxIndex _inner = null!;
        private Func<string, uint, Task> _hook = null!;
        private int _appends;

        public static IMailboxIndex Wrap(IMailboxIndex inner, Func<string, uint, Task> hook)
        {
            IMailboxIndex proxy = Create<IMailboxIndex, AfterFirstAppend>();
            var self = (AfterFirstAppend)(object)proxy;
            self._inner = inner;
            self._hook = hook;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            object? result = targetMethod!.Invoke(_inner, args);
            return targetMethod.Name == nameof(IMailboxIndex.AppendAsync) ? HookedAsync((Task<AppendResult>)result!, (string)args![0]!) : result;
        }

        private async Task<AppendResult> HookedAsync(Task<AppendResult> append, string account)
        {
            AppendResult appended = await append;
            if (Interlocked.Increment(ref _appends) == 1) await _hook(account, appended.Uid);
            return appended;
        }
    }
}
