namespace CloudMail.Storage.Embedded.Tests.Support;

/// <summary>Helpers shared by the blob tests: reading a stored blob whole, and copying a data folder as a crash leaves it.</summary>
internal static class StoredBlobs
{
    /// <summary>All bytes of blob <paramref name="id"/> of <paramref name="store"/>.</summary>
    public static async Task<byte[]> ReadAsync(EmbeddedStorage store, string id)
    {
        await using Stream stream = await store.Blobs.OpenReadAsync(id, CancellationToken.None);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    /// <summary>
    /// Copies the data folder <paramref name="from"/> into <paramref name="to"/> as a crash leaves it: WAL not checkpointed,
    /// files never closed cleanly, no shared-memory index (the -shm files are left out).
    /// </summary>
    public static void CrashCopy(string from, string to)
    {
        foreach (string dir in System.IO.Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            System.IO.Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        }
        foreach (string file in System.IO.Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            if (!file.EndsWith("-shm", StringComparison.Ordinal)) File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
        }
    }
}
