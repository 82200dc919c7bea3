namespace CloudMail.Tests.Shared;

/// <summary>
/// Shared by the test projects (linked, not referenced). Looks at everything under a data folder the way another local
/// user, or someone reading the disk, would: modes of every entry, and which files still contain given bytes.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public static class DataFolderScan
{
    private const UnixFileMode PrivateFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Every folder (the root included) and file under <paramref name="root"/>, relative path first.</summary>
    public static IReadOnlyList<(string Path, UnixFileMode Mode, bool IsFolder)> Entries(string root)
    {
        var entries = new List<(string, UnixFileMode, bool)> { (".", File.GetUnixFileMode(root), true) };
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 };
        foreach (FileSystemInfo entry in new DirectoryInfo(root).EnumerateFileSystemInfos("*", options))
        {
            entries.Add((Path.GetRelativePath(root, entry.FullName), entry.UnixFileMode, entry is DirectoryInfo));
        }
        return entries;
    }

    /// <summary>Entries that are not owner-only (folders 0700, files 0600), as "path mode" lines; empty when all are.</summary>
    public static IReadOnlyList<string> NotPrivate(string root) =>
        [.. Entries(root)
            .Where(e => e.Mode != (e.IsFolder ? PrivateFolder : PrivateFile))
            .Select(e => $"{e.Path} {Convert.ToString((int)e.Mode, 8)}")];

    /// <summary>
    /// Files under <paramref name="root"/> whose bytes contain <paramref name="pattern"/>, as relative paths. The serving
    /// process's lock file (<c>serve.lock</c>, always empty) is skipped: it is locked against every other opener.
    /// </summary>
    public static IReadOnlyList<string> FilesContaining(string root, byte[] pattern) =>
        [.. System.IO.Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(path => Path.GetFileName(path) != "serve.lock" && File.ReadAllBytes(path).AsSpan().IndexOf(pattern) >= 0)
            .Select(path => Path.GetRelativePath(root, path))];
}
