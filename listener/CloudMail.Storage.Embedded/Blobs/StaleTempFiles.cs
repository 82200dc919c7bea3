namespace CloudMail.Storage.Embedded.Blobs;

/// <summary>
/// Removes partial message files a crash left in <c>messages/tmp/</c>. A writer holds its temp file open
/// with an exclusive lock (<see cref="FileShare.None"/>, a <c>flock</c> on Unix), so a file that cannot be
/// locked belongs to a live writer — for example a running server while an admin command opens the store —
/// and is left alone.
/// </summary>
internal static class StaleTempFiles
{
    /// <summary>Deletes every unlocked file in <paramref name="tempDirectory"/>; returns how many.</summary>
    public static int Remove(string tempDirectory)
    {
        int removed = 0;
        foreach (string path in System.IO.Directory.EnumerateFiles(tempDirectory))
        {
            if (TryDeleteUnlocked(path)) removed++;
        }
        return removed;
    }

    private static bool TryDeleteUnlocked(string path)
    {
        try
        {
            using var stale = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            return true;
        }
        catch (FileNotFoundException)
        {
            return false; // Its writer committed or discarded it meanwhile.
        }
        catch (IOException)
        {
            return false; // Locked: a live writer (possibly another process) still owns it.
        }
    }
}
