using System.Text.Json;
using CloudMail.Storage.Embedded.Files;
using CloudMail.Storage.Embedded.Sqlite;
using Microsoft.Data.Sqlite;

namespace CloudMail.Storage.Embedded.Backup;

/// <summary>What a backup or a restore copied.</summary>
/// <param name="Databases">SQLite databases copied (file names).</param>
/// <param name="Files">Other files copied (message files, secrets, certificates).</param>
/// <param name="Bytes">Bytes written, databases included.</param>
/// <param name="Vanished">Files removed by the running server while the backup was copying them (see <see cref="EmbeddedBackup.BackupAsync"/>).</param>
public sealed record BackupSummary(IReadOnlyList<string> Databases, long Files, long Bytes, long Vanished);

/// <summary>
/// A consistent copy of an embedded data folder (the layout in this project's README) that can be taken while
/// <c>cloudmail serve</c> runs on it, and its restore into an empty folder.
/// <para>Backup: a read transaction is opened on every database (<c>*.db</c>) first, one right after the other, so
/// that all copies show the folder at (nearly) one moment; each is then copied with SQLite's online backup API
/// (<see cref="SqliteConnection.BackupDatabase(SqliteConnection)"/>) inside its read transaction, while the server goes
/// on writing to its write-ahead log. Then the other files are copied (message files are write-once: a file the
/// databases reference existed when the transactions began). A message file the server deletes during the copy (a
/// message expunged after that moment, whose bytes were reclaimed) is counted in <see cref="BackupSummary.Vanished"/>.
/// Left out: <c>-wal</c>/<c>-shm</c> files (their content is in the copies), <c>messages/tmp/</c> (writes in progress),
/// the serve lock, <c>listening*.json</c>, temp files (<c>*.tmp</c>). A manifest (<see cref="ManifestFileName"/>) is written last: a folder
/// without it is not a complete backup. Files are written owner-only (0600), folders 0700, each file fsynced.</para>
/// <para>Both write only into a folder that was empty, and a backup or restore that fails part-way (a full disk, an I/O
/// error) removes what it had copied before it throws: no partial copy is left to pass for a backup, nor, worse, for a
/// data folder a server would start on. An I/O failure is then an <see cref="IOException"/> saying so.</para>
/// </summary>
public static class EmbeddedBackup
{
    /// <summary>Written last into a backup; restore refuses a folder without it.</summary>
    public const string ManifestFileName = "cloudmail-backup.json";

    private const int CopyBufferSize = 1024 * 1024;

    /// <summary>
    /// Copies <paramref name="dataDirectory"/> into <paramref name="target"/>, which must be outside it and empty or
    /// absent (<see cref="InvalidOperationException"/> otherwise). <paramref name="lockFileName"/> (the serve lock) is not copied.
    /// </summary>
    public static async Task<BackupSummary> BackupAsync(string dataDirectory, string target, string lockFileName, CancellationToken ct)
    {
        string root = Path.GetFullPath(dataDirectory);
        string destination = Path.GetFullPath(target);
        if (IsInside(destination, root)) throw new InvalidOperationException($"The backup folder {target} must be outside the data folder {root}.");
        RequireEmpty(destination, "backup folder", ignore: null);
        DataFolder.CreateFolder(destination);
        try
        {
            List<string> databases = [.. System.IO.Directory.EnumerateFiles(root, "*.db").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];
            long bytes = await CopyDatabasesAsync(root, destination, databases, ct).ConfigureAwait(false);
            var (files, copied, vanished) = await CopyFilesAsync(root, destination, (relative, topLevel) => IsBackedUpFile(relative, topLevel) && relative != lockFileName, ct).ConfigureAwait(false);
            var summary = new BackupSummary(databases, files, bytes + copied, vanished);
            byte[] manifest = JsonSerializer.SerializeToUtf8Bytes(new { format = 1, createdAt = DateTimeOffset.UtcNow, summary.Databases, summary.Files, summary.Bytes });
            await DataFolder.WriteFileAsync(Path.Combine(destination, ManifestFileName), manifest, ct).ConfigureAwait(false);
            return summary;
        }
        catch (Exception e)
        {
            Exception thrown = RemoveCopied(destination, keep: null, e, $"The backup into {destination} failed", "the partial copy was removed");
            if (ReferenceEquals(thrown, e)) throw;
            throw thrown;
        }
    }

    /// <summary>
    /// Copies backup <paramref name="backup"/> into <paramref name="dataDirectory"/>, which must be empty or absent.
    /// The data folder's <paramref name="lockFileName"/> (the serve lock) is held throughout: when a server holds it,
    /// nothing is changed and <see cref="InvalidOperationException"/> says so; no server can start before the restore ends.
    /// </summary>
    public static async Task<BackupSummary> RestoreAsync(string backup, string dataDirectory, string lockFileName, CancellationToken ct)
    {
        string source = Path.GetFullPath(backup);
        if (!File.Exists(Path.Combine(source, ManifestFileName)))
            throw new InvalidOperationException($"{backup} is not a complete CloudMail backup (it has no {ManifestFileName}).");
        string root = DataFolder.Prepare(dataDirectory);
        FileStream serveLock;
        try
        {
            serveLock = DataFolder.CreateFile(Path.Combine(root, lockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 1);
        }
        catch (IOException e)
        {
            throw new InvalidOperationException($"A 'cloudmail serve' is using the data folder {root} (it holds {lockFileName}); stop it first.", e);
        }
        using (serveLock)
        {
            RequireEmpty(root, "data folder", ignore: lockFileName);
            try
            {
                var (files, bytes, _) = await CopyFilesAsync(source, root, (relative, _) => relative != ManifestFileName, ct).ConfigureAwait(false);
                List<string> databases = [.. System.IO.Directory.EnumerateFiles(source, "*.db").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];
                return new BackupSummary(databases, files - databases.Count, bytes, 0);
            }
            catch (Exception e)
            {
                Exception thrown = RemoveCopied(root, lockFileName, e, $"The restore into {root} failed", "what it had copied was removed: the data folder is empty again");
                if (ReferenceEquals(thrown, e)) throw;
                throw thrown;
            }
        }
    }

    /// <summary>Opens a read transaction on every database, then copies each inside its transaction.</summary>
    private static async Task<long> CopyDatabasesAsync(string root, string destination, IReadOnlyList<string> databases, CancellationToken ct)
    {
        SqliteLibrarySettings.EnsureApplied();
        var sources = new List<(SqliteConnection Connection, SqliteTransaction Snapshot)>();
        try
        {
            foreach (string name in databases)
            {
                var connection = new SqliteConnection(new SqliteConnectionStringBuilder
                {
                    DataSource = Path.Combine(root, name), Mode = SqliteOpenMode.ReadWrite, Pooling = false,
                }.ToString());
                await connection.OpenAsync(ct).ConfigureAwait(false);
                SqliteTransaction snapshot = connection.BeginTransaction(deferred: true);
                sources.Add((connection, snapshot));
                using SqliteCommand read = connection.CreateCommand();
                read.Transaction = snapshot;
                read.CommandText = "PRAGMA busy_timeout = 10000; SELECT count(*) FROM sqlite_schema"; // the first read fixes the snapshot
                await read.ExecuteScalarAsync(ct).ConfigureAwait(false);
            }
            long bytes = 0;
            for (int i = 0; i < databases.Count; i++)
            {
                ct.ThrowIfCancellationRequested();
                string path = Path.Combine(destination, databases[i]);
                DataFolder.EnsureDatabaseFile(path);
                using (var copy = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString()))
                {
                    copy.Open();
                    sources[i].Connection.BackupDatabase(copy);
                    copy.Close();
                }
                bytes += new FileInfo(path).Length;
            }
            return bytes;
        }
        finally
        {
            foreach (var (connection, snapshot) in sources)
            {
                snapshot.Dispose();
                connection.Dispose();
            }
        }
    }

    /// <summary>Copies the files <paramref name="include"/> accepts (relative path, is top level), keeping the folder structure.</summary>
    private static async Task<(long Files, long Bytes, long Vanished)> CopyFilesAsync(string from, string to, Func<string, bool, bool> include, CancellationToken ct)
    {
        long files = 0, bytes = 0, vanished = 0;
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = false };
        foreach (string file in System.IO.Directory.EnumerateFiles(from, "*", options))
        {
            string relative = Path.GetRelativePath(from, file);
            if (!include(relative, Path.GetDirectoryName(relative) is null or "")) continue;
            string target = Path.Combine(to, relative);
            if (Path.GetDirectoryName(target) is { } folder) DataFolder.CreateFolder(folder);
            try
            {
                bytes += await CopyFileAsync(file, target, ct).ConfigureAwait(false);
                files++;
            }
            catch (FileNotFoundException)
            {
                vanished++;
            }
        }
        return (files, bytes, vanished);
    }

    private static async Task<long> CopyFileAsync(string source, string target, CancellationToken ct)
    {
        await using var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, CopyBufferSize, FileOptions.SequentialScan);
        await using FileStream output = DataFolder.CreateFile(target, FileMode.CreateNew, FileAccess.Write, bufferSize: CopyBufferSize);
        await input.CopyToAsync(output, ct).ConfigureAwait(false);
        output.Flush(flushToDisk: true);
        return output.Length;
    }

    /// <summary>Whether a data folder file goes into a backup as a plain copy (databases are copied by SQLite).</summary>
    private static bool IsBackedUpFile(string relative, bool topLevel)
    {
        string name = Path.GetFileName(relative);
        if (topLevel)
        {
            return !name.EndsWith(".db", StringComparison.Ordinal) && !name.EndsWith("-wal", StringComparison.Ordinal)
                && !name.EndsWith("-shm", StringComparison.Ordinal) && !name.EndsWith("-journal", StringComparison.Ordinal)
                && !name.StartsWith("listening", StringComparison.Ordinal) && !name.EndsWith(".tmp", StringComparison.Ordinal);
        }
        string tmp = Path.Combine(EmbeddedStorage.MessagesFolder, "tmp") + Path.DirectorySeparatorChar;
        return !relative.StartsWith(tmp, StringComparison.Ordinal);
    }

    /// <summary>
    /// After <paramref name="failure"/> part-way through a copy into <paramref name="folder"/>, which was empty (but for
    /// <paramref name="keep"/>) when it began: deletes everything else in it, and returns what to throw: an I/O failure as
    /// an <see cref="IOException"/> that starts with <paramref name="what"/> and says whether the copy was removed, anything
    /// else (a cancellation, a bug) itself, for the caller to rethrow as it was.
    /// </summary>
    private static Exception RemoveCopied(string folder, string? keep, Exception failure, string what, string removed)
    {
        string outcome = removed;
        try
        {
            foreach (string entry in System.IO.Directory.EnumerateFileSystemEntries(folder))
            {
                if (Path.GetFileName(entry) == keep) continue;
                if (System.IO.Directory.Exists(entry)) System.IO.Directory.Delete(entry, recursive: true);
                else File.Delete(entry);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            outcome = $"removing the partial copy failed too ({e.Message}): remove what is in {folder} by hand";
        }
        return failure is IOException or UnauthorizedAccessException or SqliteException
            ? new IOException($"{what}: {failure.Message}; {outcome}.", failure)
            : failure;
    }

    private static void RequireEmpty(string folder, string what, string? ignore)
    {
        if (!System.IO.Directory.Exists(folder)) return;
        if (System.IO.Directory.EnumerateFileSystemEntries(folder).Any(e => Path.GetFileName(e) != ignore))
            throw new InvalidOperationException($"The {what} {folder} is not empty: give an empty or new folder (move the old one aside first).");
    }

    private static bool IsInside(string path, string folder)
    {
        string prefix = Path.TrimEndingDirectorySeparator(folder) + Path.DirectorySeparatorChar;
        return path == Path.TrimEndingDirectorySeparator(folder) || path.StartsWith(prefix, StringComparison.Ordinal);
    }
}
