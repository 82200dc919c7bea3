using System.Runtime.InteropServices;

namespace CloudMail.Storage.Embedded.Blobs;

/// <summary>
/// fsync of a folder, so that a rename or a new entry in it survives power loss (POSIX: the data of a file
/// and the directory entry naming it are made durable separately). .NET cannot open folders as streams,
/// hence the libc calls. On Windows the NTFS journal covers the rename and there is nothing to call.
/// </summary>
internal static class FileSync
{
    private const int ReadOnly = 0; // O_RDONLY is 0 on Linux and macOS.

    public static void FlushDirectory(string directory)
    {
        if (OperatingSystem.IsWindows()) return;
        int fd = open(directory, ReadOnly);
        if (fd < 0) throw new IOException($"Cannot open folder '{directory}' to fsync it (errno {Marshal.GetLastPInvokeError()}).");
        try
        {
            if (fsync(fd) != 0) throw new IOException($"fsync of folder '{directory}' failed (errno {Marshal.GetLastPInvokeError()}).");
        }
        finally
        {
            _ = close(fd);
        }
    }

    /// <summary>Creates <paramref name="directory"/> (owner-only) if missing and makes its entry in the parent durable.</summary>
    public static void EnsureDirectory(string directory)
    {
        if (System.IO.Directory.Exists(directory)) return;
        Files.DataFolder.CreateFolder(directory);
        FlushDirectory(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(directory))!);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int fsync(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int fd);
}
