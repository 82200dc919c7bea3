using CloudMail.ContractTests;
using CloudMail.Core.Mailboxes;
using CloudMail.Core.Blobs;
using CloudMail.Storage.Embedded.Files;
using CloudMail.Storage.Embedded.Intake;
using CloudMail.Storage.Embedded.Tests.Support;

namespace CloudMail.Storage.Embedded.Tests.Files;

/// <summary>
/// The data folder is private to its owner (folders 0700, files 0600) and refused when others could write into it or
/// replace it. Each test works below its own <see cref="TempFolder"/> (itself 0700, under the sticky /tmp).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class DataFolderTests : IDisposable
{
    private const UnixFileMode Open = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
    private const UnixFileMode GroupWritable = Open | UnixFileMode.GroupWrite;

    private readonly TempFolder _folder = new();
    private readonly CancellationToken _ct = CancellationToken.None;

    private string Data => Path.Combine(_folder.Path, "data");

    [Fact]
    public async Task A_new_store_keeps_every_folder_0700_and_every_file_0600()
    {
        await using (EmbeddedStorage store = EmbeddedStorage.Open(Data, new EmbeddedStorageOptions { SmallBlobThreshold = 1024 }))
        {
            await store.Mailboxes.EnsureDefaultMailboxesAsync("alice@example.test", _ct);
            foreach (int size in new[] { 100, 5000 })
            {
                await using IBlobWriter writer = store.Blobs.CreateWriter(Unique.MessageId());
                await writer.WriteAsync(new byte[size], _ct);
                BlobRef blob = await writer.CommitAsync(_ct);
                await store.Mailboxes.AppendAsync("alice@example.test", DefaultMailboxes.Inbox, blob, DateTimeOffset.UtcNow, MessageFlags.None, [], null, _ct);
            }
            await using IBlobWriter unfinished = store.Blobs.CreateWriter(Unique.MessageId());
            await unfinished.WriteAsync(new byte[5000], _ct);
            using SqliteIntakeOutbox outbox = SqliteIntakeOutbox.Open(Data);

            Assert.Contains(DataFolderScan.Entries(Data), e => e.Path.EndsWith(".eml", StringComparison.Ordinal));
            Assert.Contains(DataFolderScan.Entries(Data), e => e.Path.EndsWith(".tmp", StringComparison.Ordinal));
            Assert.Contains(DataFolderScan.Entries(Data), e => e.Path == EmbeddedStorage.MailDatabaseFile + "-wal");
            Assert.Empty(DataFolderScan.NotPrivate(Data));
        }
    }

    [Fact]
    public void An_existing_open_folder_is_tightened_with_everything_in_it()
    {
        System.IO.Directory.CreateDirectory(Path.Combine(Data, "messages", "ab"), Open);
        File.WriteAllText(Path.Combine(Data, "mail.db"), "");
        File.WriteAllText(Path.Combine(Data, "messages", "ab", "old.eml"), "x");
        File.SetUnixFileMode(Path.Combine(Data, "mail.db"), Open & ~UnixFileMode.UserExecute);
        File.SetUnixFileMode(Path.Combine(Data, "messages", "ab", "old.eml"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        DataFolder.Prepare(Data);

        Assert.Empty(DataFolderScan.NotPrivate(Data));
    }

    [Fact]
    public void A_new_folder_is_created_0700()
    {
        string data = Path.Combine(_folder.Path, "new", "data");

        Assert.Equal(data, DataFolder.Prepare(data + "/"));

        Assert.Equal(DataFolder.PrivateFolderMode, File.GetUnixFileMode(data));
    }

    [Theory]
    [InlineData(GroupWritable, "its group")]
    [InlineData(Open | UnixFileMode.OtherWrite, "every local user")]
    [InlineData(Open | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite | UnixFileMode.StickyBit, "its group and every local user")]
    public void A_data_folder_others_can_write_to_is_refused_and_left_as_it_is(UnixFileMode mode, string writers)
    {
        System.IO.Directory.CreateDirectory(Data, mode);
        File.SetUnixFileMode(Data, mode);

        var refused = Assert.Throws<UnsafeDataFolderException>(() => EmbeddedStorage.Open(Data));

        Assert.Contains($"The data folder {Data} is writable by {writers}", refused.Message);
        Assert.Contains("chmod 700", refused.Message);
        Assert.Equal(mode, File.GetUnixFileMode(Data));
        Assert.Empty(System.IO.Directory.EnumerateFileSystemEntries(Data));
    }

    [Fact]
    public void A_group_writable_folder_above_that_this_user_owns_is_refused()
    {
        string above = Path.Combine(_folder.Path, "shared");
        System.IO.Directory.CreateDirectory(above);
        File.SetUnixFileMode(above, GroupWritable);

        var refused = Assert.Throws<UnsafeDataFolderException>(() => DataFolder.Prepare(Path.Combine(above, "data")));

        Assert.Contains($"{above}, a folder above the data folder", refused.Message);
        Assert.False(System.IO.Directory.Exists(Path.Combine(above, "data")));
    }

    [Fact]
    public void A_sticky_world_writable_folder_above_is_accepted_as_tmp_is()
    {
        string above = Path.Combine(_folder.Path, "tmp-like");
        System.IO.Directory.CreateDirectory(above);
        File.SetUnixFileMode(above, Open | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite | UnixFileMode.StickyBit);

        string data = DataFolder.Prepare(Path.Combine(above, "data"));

        Assert.Equal(DataFolder.PrivateFolderMode, File.GetUnixFileMode(data));
    }

    [Fact]
    public async Task A_group_writable_folder_above_owned_by_another_user_is_left_to_its_owner()
    {
        string above = Path.Combine(_folder.Path, "staff");
        System.IO.Directory.CreateDirectory(above);
        File.SetUnixFileMode(above, GroupWritable);
        if (!await GiveToAnotherUserAsync(above)) return; // Only root can hand a folder to another user.

        Assert.Equal(OtherUser, UnixFileOwner.Of(above));
        string data = DataFolder.Prepare(Path.Combine(above, "data"));

        Assert.Equal(DataFolder.PrivateFolderMode, File.GetUnixFileMode(data));
        File.SetUnixFileMode(above, GroupWritable | UnixFileMode.OtherWrite);
        Assert.Throws<UnsafeDataFolderException>(() => DataFolder.Prepare(data));
    }

    [Fact]
    public void The_owner_of_a_folder_is_read_from_the_file_system()
    {
        Assert.Equal(UnixFileOwner.EffectiveUserId, UnixFileOwner.Of(_folder.Path));
        Assert.Equal(0u, UnixFileOwner.Of("/"));
        Assert.Null(UnixFileOwner.Of(Path.Combine(_folder.Path, "missing")));
    }

    private const uint OtherUser = 54321;

    /// <summary>chown to <see cref="OtherUser"/>; false (nothing done) when this process is not root.</summary>
    private static async Task<bool> GiveToAnotherUserAsync(string path)
    {
        if (UnixFileOwner.EffectiveUserId != 0) return false;
        using var chown = System.Diagnostics.Process.Start("chown", [$"{OtherUser}", path]);
        await chown.WaitForExitAsync();
        Assert.Equal(0, chown.ExitCode);
        return true;
    }

    public void Dispose() => _folder.Dispose();
}
