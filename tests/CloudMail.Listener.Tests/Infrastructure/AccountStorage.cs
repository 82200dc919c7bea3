using CloudMail.Storage.Embedded;

namespace CloudMail.Listener.Tests.Infrastructure;

/// <summary>
/// Real embedded storage in a folder of its own under the temp folder, with one account's default mailboxes (INBOX and
/// the special ones); disposing it closes the storage and removes the folder. For tests of one component over real storage
/// without a whole server.
/// </summary>
public sealed class AccountStorage : IAsyncDisposable
{
    private readonly string _folder;

    private AccountStorage(string folder, EmbeddedStorage storage)
    {
        _folder = folder;
        Storage = storage;
    }

    public EmbeddedStorage Storage { get; }

    /// <summary>Opens storage in a new folder (named after <paramref name="purpose"/>) and creates <paramref name="account"/>'s mailboxes.</summary>
    public static async Task<AccountStorage> OpenAsync(string account, string purpose)
    {
        string folder = Path.Combine(Path.GetTempPath(), $"cloudmail-{purpose}-" + Guid.NewGuid().ToString("N"));
        var storage = EmbeddedStorage.Open(folder);
        await storage.Mailboxes.EnsureDefaultMailboxesAsync(account, CancellationToken.None);
        return new AccountStorage(folder, storage);
    }

    public async ValueTask DisposeAsync()
    {
        await Storage.DisposeAsync();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
