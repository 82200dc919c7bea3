using CloudMail.Listener.Configuration;
using CloudMail.Listener.Pipeline;
using CloudMail.Storage.Embedded.Backup;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CloudMail.Listener.Hosting;

/// <summary>
/// <c>cloudmail backup PATH</c> and <c>cloudmail restore PATH</c> (<see cref="EmbeddedBackup"/>) on the embedded data
/// folder (CloudMail:DataDirectory). Backup runs beside a running <c>serve</c>; restore needs an empty data folder and
/// refuses while a server holds it (<see cref="ServeStartupRecovery.LockFileName"/>). Neither opens the storage itself.
/// Exit codes: 0 done, 1 failed, 2 usage.
/// </summary>
public sealed class BackupCommands(IServiceProvider services, TextWriter stdout, TextWriter stderr)
{
    public const string Usage = """
          backup PATH                        consistent copy of the data folder into PATH (empty or new), also while serve runs
          restore PATH                       copy backup PATH into the data folder (must be empty; serve must not be running)
        """;

    /// <summary>Runs <paramref name="words"/> ("backup PATH" or "restore PATH"); returns the exit code.</summary>
    public async Task<int> RunAsync(IReadOnlyList<string> words, CancellationToken ct)
    {
        if (words.Count != 2) return await FailAsync("usage:\n" + Usage, 2);
        if ("Azure".Equals(services.GetRequiredService<IConfiguration>()[CloudMailServerBuilder.AdminStorageKey], StringComparison.OrdinalIgnoreCase))
            return await FailAsync("error: backup and restore work on the embedded data folder; Azure Storage has its own (blob versioning, point-in-time restore)", 1);
        string dataDirectory = services.GetRequiredService<IOptions<CloudMailOptions>>().Value.DataDirectory;
        try
        {
            if (words[0] == "backup")
            {
                BackupSummary backup = await EmbeddedBackup.BackupAsync(dataDirectory, words[1], ServeStartupRecovery.LockFileName, ct);
                if (backup.Vanished > 0)
                    await stderr.WriteLineAsync($"{backup.Vanished} message files were removed by the server during the copy (messages expunged after the backup's moment)");
                await stdout.WriteLineAsync($"backed up {dataDirectory} to {words[1]}: {backup.Databases.Count} databases ({string.Join(", ", backup.Databases)}), {backup.Files} other files, {backup.Bytes / 1e6:F1} MB");
                return 0;
            }
            BackupSummary restore = await EmbeddedBackup.RestoreAsync(words[1], dataDirectory, ServeStartupRecovery.LockFileName, ct);
            await stdout.WriteLineAsync($"restored {words[1]} into {dataDirectory}: {restore.Databases.Count} databases, {restore.Files} other files, {restore.Bytes / 1e6:F1} MB");
            return 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
        {
            return await FailAsync("error: " + e.Message, 1);
        }
    }

    private async Task<int> FailAsync(string message, int code)
    {
        await stderr.WriteLineAsync(message);
        return code;
    }
}
