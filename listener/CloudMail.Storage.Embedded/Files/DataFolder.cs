using System.Runtime.Versioning;
using System.Security.Cryptography;

namespace CloudMail.Storage.Embedded.Files;

/// <summary>
/// Keeps the data folder private to the user the server runs as (it holds password and key hashes, and every
/// message): folders are created 0700 and files 0600 (databases, message files, temp files before their rename, the
/// development certificate, <c>listening*.json</c>). Modes are set when each file or folder is created, not through the
/// process umask, so every host and admin command that uses this library gets them. SQLite creates a database's
/// <c>-wal</c> and <c>-shm</c> files with the database file's own mode, so a database created here gets 0600 ones too.
/// On Windows nothing of this applies (folders are created plainly; ACLs are inherited).
/// </summary>
public static class DataFolder
{
    /// <summary>rwx for the owner only (0700).</summary>
    public const UnixFileMode PrivateFolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>rw for the owner only (0600).</summary>
    public const UnixFileMode PrivateFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private const UnixFileMode GroupOrOtherWrite = UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

    /// <summary>
    /// Makes <paramref name="dataDirectory"/> ready and private, and returns its full path. Throws
    /// <see cref="UnsafeDataFolderException"/>, changing nothing, when other local users could change its contents:
    /// <list type="bullet">
    /// <item>the data folder itself is group- or world-writable (whatever its owner), or belongs to another user
    /// (unless this process runs as root);</item>
    /// <item>a folder above it is group- or world-writable, has no sticky bit, and belongs to the user this process runs
    /// as (the user's own mistake, e.g. a home folder made 0775: anyone in the group could rename the data folder away
    /// and put their own in its place);</item>
    /// <item>a folder above it, whoever owns it, is world-writable without the sticky bit.</item>
    /// </list>
    /// Sticky folders above (<c>/tmp</c>: 1777) are fine, since there only an entry's owner may rename or delete it.
    /// Group-writable folders of other owners (Debian's root:staff 2775 <c>/var/local</c>) are left to their owners.
    /// Otherwise it creates the folder (0700, with any missing parents) or, when it exists, tightens it to 0700 and,
    /// when it was more open than that (a folder from before modes were set, typically 0755 with 0644 files), every
    /// folder under it to 0700 and every file to 0600; a folder already at 0700 gets only its top-level entries checked
    /// (its contents are unreachable to others anyway, and a large <c>messages/</c> tree is not walked on every start).
    /// Entries the process may not change (owned by another user) are left as they are. Symbolic links are not followed.
    /// </summary>
    public static string Prepare(string dataDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        string root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(dataDirectory));
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(root);
            return root;
        }
        CheckFoldersAbove(root);
        if (!System.IO.Directory.Exists(root))
        {
            System.IO.Directory.CreateDirectory(root, PrivateFolderMode);
            return root;
        }
        CheckFolder(root);
        Tighten(root);
        return root;
    }

    /// <summary>Creates <paramref name="path"/> and any missing parents with <see cref="PrivateFolderMode"/>.</summary>
    public static void CreateFolder(string path)
    {
        if (OperatingSystem.IsWindows()) System.IO.Directory.CreateDirectory(path);
        else System.IO.Directory.CreateDirectory(path, PrivateFolderMode);
    }

    /// <summary>
    /// Opens <paramref name="path"/> like <see cref="FileStream"/> does; a file this creates gets
    /// <see cref="PrivateFileMode"/> from its first byte on (<paramref name="mode"/> must be one that may create).
    /// </summary>
    public static FileStream CreateFile(string path, FileMode mode, FileAccess access, FileShare share = FileShare.None,
        int bufferSize = 4096, FileOptions options = FileOptions.None)
    {
        var fileOptions = new FileStreamOptions { Mode = mode, Access = access, Share = share, BufferSize = bufferSize, Options = options };
        if (!OperatingSystem.IsWindows()) fileOptions.UnixCreateMode = PrivateFileMode;
        return new FileStream(path, fileOptions);
    }

    /// <summary>
    /// Replaces <paramref name="path"/> with <paramref name="content"/> atomically: a private temp file beside it, then
    /// a rename over it, so readers see the old or the new file, never a partial one.
    /// </summary>
    public static void WriteFile(string path, byte[] content) =>
        WriteFileAsync(path, content, CancellationToken.None).GetAwaiter().GetResult();

    /// <inheritdoc cref="WriteFile"/>
    public static async Task WriteFileAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        string temp = $"{path}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}.tmp";
        try
        {
            await using (FileStream file = CreateFile(temp, FileMode.CreateNew, FileAccess.Write))
            {
                await file.WriteAsync(content, cancellationToken).ConfigureAwait(false);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>
    /// Creates an empty private file at <paramref name="path"/> unless something exists there, so that SQLite, which
    /// takes an empty file for an empty database, never creates the file (and its <c>-wal</c>/<c>-shm</c>) with its own
    /// default mode. An existing file is not opened: closing another descriptor of a database file this process has
    /// open would drop SQLite's POSIX locks on it.
    /// </summary>
    public static void EnsureDatabaseFile(string path)
    {
        if (File.Exists(path)) return;
        try
        {
            using (CreateFile(path, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite)) { }
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it meanwhile.
        }
    }

    [UnsupportedOSPlatform("windows")]
    private static void CheckFoldersAbove(string root)
    {
        uint self = UnixFileOwner.EffectiveUserId;
        for (string? folder = Path.GetDirectoryName(root); folder is not null; folder = Path.GetDirectoryName(folder))
        {
            if (!System.IO.Directory.Exists(folder)) continue;
            UnixFileMode mode = File.GetUnixFileMode(folder);
            if ((mode & GroupOrOtherWrite) == 0 || mode.HasFlag(UnixFileMode.StickyBit)) continue;
            // An owner that cannot be read counts as ours: checked rather than skipped.
            bool ours = UnixFileOwner.Of(folder) is not { } owner || owner == self;
            if (!ours && !mode.HasFlag(UnixFileMode.OtherWrite)) continue;
            throw new UnsafeDataFolderException(
                $"{folder}, a folder above the data folder {root}, is writable by {Writers(mode)} (mode {Octal(mode)}) and not sticky, " +
                $"so they could replace the data folder. Remove that permission (chmod go-w {folder}) or set CloudMail:DataDirectory to a folder elsewhere.");
        }
    }

    [UnsupportedOSPlatform("windows")]
    private static void CheckFolder(string root)
    {
        UnixFileMode mode = File.GetUnixFileMode(root);
        if ((mode & GroupOrOtherWrite) != 0)
        {
            throw new UnsafeDataFolderException(
                $"The data folder {root} is writable by {Writers(mode)} (mode {Octal(mode)}), who could change its databases and messages. " +
                $"Check its contents, make it private (chmod 700 {root}) and start again.");
        }
        uint self = UnixFileOwner.EffectiveUserId;
        if (self != 0 && UnixFileOwner.Of(root) is { } owner && owner != self)
        {
            throw new UnsafeDataFolderException(
                $"The data folder {root} belongs to user id {owner}, not to the user this process runs as (user id {self}). " +
                "Run CloudMail as its owner, or give the folder to this user (chown).");
        }
    }

    [UnsupportedOSPlatform("windows")]
    private static void Tighten(string root)
    {
        bool wasOpen = File.GetUnixFileMode(root) != PrivateFolderMode;
        if (wasOpen) File.SetUnixFileMode(root, PrivateFolderMode);
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = wasOpen,
            AttributesToSkip = FileAttributes.ReparsePoint,
            IgnoreInaccessible = true,
        };
        foreach (FileSystemInfo entry in new DirectoryInfo(root).EnumerateFileSystemInfos("*", options))
        {
            TryTighten(entry, entry is DirectoryInfo ? PrivateFolderMode : PrivateFileMode);
        }
    }

    [UnsupportedOSPlatform("windows")]
    private static void TryTighten(FileSystemInfo entry, UnixFileMode mode)
    {
        try
        {
            if (entry.UnixFileMode != mode) entry.UnixFileMode = mode;
        }
        catch (Exception exception) when (exception is UnauthorizedAccessException or IOException)
        {
            // Another user's file (left as it is: the private folder above shields it), or gone meanwhile.
        }
    }

    private static string Writers(UnixFileMode mode) => (mode & GroupOrOtherWrite) switch
    {
        UnixFileMode.GroupWrite => "its group",
        UnixFileMode.OtherWrite => "every local user",
        _ => "its group and every local user",
    };

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode, 8).PadLeft(4, '0');
}
