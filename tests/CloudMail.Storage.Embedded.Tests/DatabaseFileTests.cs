using CloudMail.Storage.Embedded.Tests.Support;
using Microsoft.Data.Sqlite;

namespace CloudMail.Storage.Embedded.Tests;

/// <summary>The SQLite files: where they are and how they are configured.</summary>
public sealed class DatabaseFileTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Theory]
    [InlineData(EmbeddedStorage.MailDatabaseFile)]
    [InlineData(EmbeddedStorage.QueueDatabaseFile)]
    public void Each_database_is_a_WAL_file_with_a_schema_version(string file)
    {
        using (EmbeddedStorage.Open(_folder.Path))
        {
        }

        using var connection = new SqliteConnection($"Data Source={Path.Combine(_folder.Path, file)};Pooling=False");
        connection.Open();
        Assert.Equal("wal", Scalar(connection, "PRAGMA journal_mode"));
        Assert.Equal(1L, Scalar(connection, "PRAGMA user_version"));
    }

    [Fact]
    public void Opening_an_existing_folder_again_keeps_the_schema()
    {
        using (EmbeddedStorage.Open(_folder.Path))
        {
        }

        using EmbeddedStorage again = EmbeddedStorage.Open(_folder.Path);

        Assert.True(File.Exists(again.QueueDatabase.Path));
    }

    [Fact]
    public void Database_from_a_newer_build_is_refused()
    {
        using (EmbeddedStorage.Open(_folder.Path))
        {
        }
        using (var connection = new SqliteConnection($"Data Source={Path.Combine(_folder.Path, EmbeddedStorage.QueueDatabaseFile)};Pooling=False"))
        {
            connection.Open();
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = "PRAGMA user_version = 99";
            command.ExecuteNonQuery();
        }

        Assert.Throws<InvalidOperationException>(() => EmbeddedStorage.Open(_folder.Path));
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    public void Dispose() => _folder.Dispose();
}
