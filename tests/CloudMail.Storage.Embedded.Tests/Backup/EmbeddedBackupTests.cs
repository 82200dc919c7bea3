using System.Text;
using CloudMail.Core.Blobs;
using CloudMail.Core.Mailboxes;
using CloudMail.Core.Messages;
using CloudMail.Storage.Embedded.Backup;
using CloudMail.Storage.Embedded.Tests.Support;

namespace CloudMail.Storage.Embedded.Tests.Backup;

/// <summary>
/// A backup taken while another writer keeps appending messages (small ones in queue.db, large ones as files) is one
/// consistent state: every message the copied index lists has its bytes in the copy.
/// </summary>
public sealed class EmbeddedBackupTests : IDisposable
{
    private const string Account = "alice@example.test";
    private readonly TempFolder _data = new();
    private readonly TempFolder _scratch = new();
    private readonly CancellationToken _ct = CancellationToken.None;

    public void Dispose()
    {
        _data.Dispose();
        _scratch.Dispose();
    }

    [Fact]
    public async Task A_backup_during_appends_lists_only_messages_whose_bytes_it_holds()
    {
        int appended = 0;
        using var stop = new CancellationTokenSource();
        await using (EmbeddedStorage store = EmbeddedStorage.Open(_data.Path))
        {
            await store.Mailboxes.EnsureDefaultMailboxesAsync(Account, _ct);
            Task writer = Task.Run(async () =>
            {
                for (int i = 0; !stop.IsCancellationRequested; i++)
                {
                    int size = i % 5 == 0 ? 300_000 : 2_000; // every fifth message over the small-blob threshold: a file
                    BlobRef blob = await PutAsync(store, Encoding.ASCII.GetBytes($"Subject: m{i}\r\n\r\n" + new string('x', size) + "\r\n"));
                    await store.Mailboxes.AppendAsync(Account, DefaultMailboxes.Inbox, blob, DateTimeOffset.UtcNow, MessageFlags.None, [], null, _ct);
                    Interlocked.Increment(ref appended);
                }
            });
            while (Volatile.Read(ref appended) < 20) await Task.Delay(10);

            BackupSummary backup = await EmbeddedBackup.BackupAsync(_data.Path, Path.Combine(_scratch.Path, "b"), "serve.lock", _ct);

            await stop.CancelAsync();
            await writer;
            Assert.Contains("mail.db", backup.Databases);
            Assert.Contains("queue.db", backup.Databases);
        }

        string restored = Path.Combine(_scratch.Path, "restored");
        await EmbeddedBackup.RestoreAsync(Path.Combine(_scratch.Path, "b"), restored, "serve.lock", _ct);
        await using EmbeddedStorage copy = EmbeddedStorage.Open(restored);
        IReadOnlyList<MessageRecord> messages = await copy.Mailboxes.GetMessagesAsync(Account, DefaultMailboxes.Inbox, _ct);
        Assert.InRange(messages.Count, 20, Volatile.Read(ref appended));
        foreach (MessageRecord message in messages)
        {
            await using Stream body = await copy.Blobs.OpenReadAsync(message.Blob.Id, _ct);
            var bytes = new MemoryStream();
            await body.CopyToAsync(bytes, _ct);
            Assert.Equal(message.Blob.Size, bytes.Length);
        }
        Assert.Contains(messages, m => m.Blob.Size > 256 * 1024);
    }

    private async Task<BlobRef> PutAsync(EmbeddedStorage store, byte[] content)
    {
        await using IBlobWriter writer = store.Blobs.CreateWriter(MessageIds.New());
        await writer.WriteAsync(content, _ct);
        return await writer.CommitAsync(_ct);
    }

    [Fact]
    public async Task A_backup_or_restore_that_runs_out_of_space_removes_what_it_copied()
    {
        await using (EmbeddedStorage store = EmbeddedStorage.Open(_data.Path))
        {
            await store.Mailboxes.EnsureDefaultMailboxesAsync(Account, _ct);
            for (int i = 0; i < 12; i++)
            {
                // Each over the small-blob threshold: a message file of ~300 KB; together more than the small volume holds.
                BlobRef blob = await PutAsync(store, Encoding.ASCII.GetBytes($"Subject: m{i}\r\n\r\n" + new string((char)('a' + i), 300_000) + "\r\n"));
                await store.Mailboxes.AppendAsync(Account, DefaultMailboxes.Inbox, blob, DateTimeOffset.UtcNow, MessageFlags.None, [], null, _ct);
            }
        }
        using var volume = SmallVolume.Mount(megabytes: 2);
        string backup = Path.Combine(volume.Path, "backup");

        var backupFailed = await Assert.ThrowsAsync<IOException>(() => EmbeddedBackup.BackupAsync(_data.Path, backup, "serve.lock", _ct));

        Assert.StartsWith($"The backup into {backup} failed: ", backupFailed.Message);
        Assert.EndsWith("; the partial copy was removed.", backupFailed.Message);
        Assert.Empty(System.IO.Directory.EnumerateFileSystemEntries(backup));

        string complete = Path.Combine(_scratch.Path, "complete");
        await EmbeddedBackup.BackupAsync(_data.Path, complete, "serve.lock", _ct);
        string restored = Path.Combine(volume.Path, "data");

        var restoreFailed = await Assert.ThrowsAsync<IOException>(() => EmbeddedBackup.RestoreAsync(complete, restored, "serve.lock", _ct));

        Assert.StartsWith($"The restore into {restored} failed: ", restoreFailed.Message);
        Assert.EndsWith("; what it had copied was removed: the data folder is empty again.", restoreFailed.Message);
        Assert.Equal(["serve.lock"], System.IO.Directory.EnumerateFileSystemEntries(restored).Select(Path.GetFileName));
    }
}
