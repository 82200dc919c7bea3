using System.Diagnostics;

namespace CloudMail.Tests.Shared;

/// <summary>
/// A real file system of its own for a test server's data folder: a tmpfs of a few MiB mounted on a new folder (the tests
/// run as root, as the README's test command does), which <see cref="FillAsync"/> fills to the last byte, so that writes
/// meet the kernel's own "No space left on device" (ENOSPC) and SQLite its <c>SQLITE_FULL</c>. Dispose unmounts it.
/// </summary>
public sealed class SmallVolume : IDisposable
{
    private readonly string _filler;

    private SmallVolume(string path)
    {
        Path = path;
        _filler = System.IO.Path.Combine(path, "filler");
        DataDirectory = System.IO.Path.Combine(path, "data");
    }

    /// <summary>Where the volume is mounted.</summary>
    public string Path { get; }

    /// <summary>A folder on the volume for a server's data (not created).</summary>
    public string DataDirectory { get; }

    /// <summary>Bytes the volume has free now.</summary>
    public long AvailableBytes => new DriveInfo(Path).AvailableFreeSpace;

    /// <summary>Mounts a tmpfs of <paramref name="megabytes"/> MiB on a new folder under the temp folder.</summary>
    public static SmallVolume Mount(int megabytes)
    {
        string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "cloudmail-volume-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        Run("mount", "-t", "tmpfs", "-o", $"size={megabytes}m", "tmpfs", path);
        return new SmallVolume(path);
    }

    /// <summary>Writes a file of zeros until the volume has no byte left (the write that fails is the kernel saying so).</summary>
    public async Task FillAsync()
    {
        var zeros = new byte[64 * 1024];
        await using var file = new FileStream(_filler, FileMode.Append, FileAccess.Write, FileShare.None, bufferSize: 0);
        for (int size = zeros.Length; size > 0; size /= 2)
        {
            try
            {
                while (true) await file.WriteAsync(zeros.AsMemory(0, size));
            }
            catch (IOException)
            {
                // Full for writes of this size: try smaller ones, down to one byte.
            }
        }
    }

    /// <summary>Deletes what <see cref="FillAsync"/> wrote.</summary>
    public void Empty() => File.Delete(_filler);

    public void Dispose()
    {
        // Lazily: a server being disposed may still hold a file open on it.
        Run("umount", "-l", Path);
        try { Directory.Delete(Path); } catch (IOException) { }
    }

    private static void Run(string program, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardError = true, UseShellExecute = false })!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error}");
    }
}
