using Microsoft.Data.Sqlite;

namespace CloudMail.Storage.Embedded.Sqlite;

/// <summary>
/// Brings a database to the newest schema. Migration N (1-based) runs when <c>PRAGMA user_version</c> is
/// below N; all pending migrations run in one transaction together with the version bump, so a crash
/// leaves either the old or the new schema. Never edit a shipped migration: append a new one.
/// </summary>
internal static class SchemaMigrator
{
    public static void Migrate(SqliteConnection connection, IReadOnlyList<string> migrations)
    {
        connection.Execute("BEGIN IMMEDIATE");
        try
        {
            long version = connection.ScalarInt64("PRAGMA user_version");
            if (version > migrations.Count)
            {
                throw new InvalidOperationException(
                    $"Database '{connection.DataSource}' has schema version {version}, newer than this build knows ({migrations.Count}).");
            }
            for (int i = (int)version; i < migrations.Count; i++)
            {
                connection.Execute(migrations[i]);
            }
            connection.Execute($"PRAGMA user_version = {migrations.Count}");
            connection.Execute("COMMIT");
        }
        catch
        {
            connection.RollbackIfOpen();
            throw;
        }
    }
}
