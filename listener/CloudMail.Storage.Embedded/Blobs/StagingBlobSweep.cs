using CloudMail.Core.Intake;
using CloudMail.Core.Messages;
using CloudMail.Storage.Embedded.Sqlite;

namespace CloudMail.Storage.Embedded.Blobs;

/// <summary>
/// Removes staging blobs (<see cref="MessageIntake.StagingSuffix"/>: port-25 mail received before its check) that a crash
/// left behind: a staging blob lives only while its SMTP session checks and copies it, and a crash between its commit and
/// its deletion leaves it for ever (never a lost message: no 250 was sent). Only blobs whose id was made before a cutoff
/// (<see cref="MessageIds.MadeBefore"/>) are removed, so a server sweeping at start never touches what its own sessions
/// are staging. Rows go in one write per database; files are found by a walk of <c>messages/</c>, so hosts sweep once at
/// start, not per message.
/// </summary>
internal static class StagingBlobSweep
{
    /// <summary>Deletes the staging rows and files made before <paramref name="cutoff"/>; returns how many.</summary>
    public static async Task<int> RunAsync(IEnumerable<SqliteDatabase> databases, BlobPaths paths, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        string prefix = MessageIds.TimePrefix(cutoff);
        int removed = 0;
        foreach (SqliteDatabase db in databases)
        {
            removed += await db.WriteUnsyncedAsync(c => c.Execute(
                "DELETE FROM blobs WHERE id LIKE '%' || @suffix AND substr(id, 1, @length) < @prefix",
                ("@suffix", MessageIntake.StagingSuffix), ("@length", MessageIds.TimePrefixLength), ("@prefix", prefix)), cancellationToken).ConfigureAwait(false);
        }
        removed += await Task.Run(() => RemoveFiles(paths, cutoff, cancellationToken), cancellationToken).ConfigureAwait(false);
        return removed;
    }

    private static int RemoveFiles(BlobPaths paths, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        if (!System.IO.Directory.Exists(paths.Root)) return 0;
        int removed = 0;
        string pattern = "*" + MessageIntake.StagingSuffix + ".eml";
        foreach (string file in System.IO.Directory.EnumerateFiles(paths.Root, pattern, SearchOption.AllDirectories))
        {
            cancellationToken.ThrowIfCancellationRequested();
            string blobId = Path.GetFileNameWithoutExtension(file);
            if (!MessageIds.MadeBefore(blobId, cutoff) || paths.FinalPath(blobId) != file) continue;
            try
            {
                File.Delete(file);
                removed++;
            }
            catch (IOException)
            {
                // Gone meanwhile, or not removable now: the next start tries again.
            }
        }
        return removed;
    }
}
