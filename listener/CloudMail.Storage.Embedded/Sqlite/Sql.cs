using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace CloudMail.Storage.Embedded.Sqlite;

/// <summary>
/// Thin helpers over <see cref="SqliteConnection"/>: parameterized statements without an ORM.
/// Transactions are issued as plain SQL (BEGIN/SAVEPOINT/COMMIT) so commands need no transaction object.
/// Statements are prepared once per connection and SQL text (<see cref="StatementCache"/>).
/// </summary>
internal static class Sql
{
    public static int Execute(this SqliteConnection connection, string sql, params ReadOnlySpan<(string Name, object? Value)> args)
    {
        using StatementCache.Lease lease = StatementCache.Rent(connection, sql, args);
        return lease.Command.ExecuteNonQuery();
    }

    public static object? Scalar(this SqliteConnection connection, string sql, params ReadOnlySpan<(string Name, object? Value)> args)
    {
        using StatementCache.Lease lease = StatementCache.Rent(connection, sql, args);
        object? value = lease.Command.ExecuteScalar();
        return value is DBNull ? null : value;
    }

    public static long ScalarInt64(this SqliteConnection connection, string sql, params ReadOnlySpan<(string Name, object? Value)> args) =>
        Convert.ToInt64(connection.Scalar(sql, args) ?? 0L, System.Globalization.CultureInfo.InvariantCulture);

    public static List<T> Query<T>(this SqliteConnection connection, string sql, Func<SqliteDataReader, T> map,
        params ReadOnlySpan<(string Name, object? Value)> args)
    {
        using StatementCache.Lease lease = StatementCache.Rent(connection, sql, args);
        using SqliteDataReader reader = lease.Command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read()) rows.Add(map(reader));
        return rows;
    }

    public static T? QueryFirstOrDefault<T>(this SqliteConnection connection, string sql, Func<SqliteDataReader, T> map,
        params ReadOnlySpan<(string Name, object? Value)> args) where T : class
    {
        using StatementCache.Lease lease = StatementCache.Rent(connection, sql, args);
        using SqliteDataReader reader = lease.Command.ExecuteReader();
        return reader.Read() ? map(reader) : null;
    }

    /// <summary>True while the connection is inside an explicit transaction.</summary>
    public static bool InTransaction(this SqliteConnection connection) => raw.sqlite3_get_autocommit(connection.Handle) == 0;

    /// <summary>Rolls back an open transaction, if any (after a failure left one open).</summary>
    public static void RollbackIfOpen(this SqliteConnection connection)
    {
        if (connection.InTransaction()) connection.Execute("ROLLBACK");
    }

    /// <summary>A JSON array of UIDs for <c>uid IN (SELECT value FROM json_each(@uids))</c>.</summary>
    public static string JsonArray(IEnumerable<uint> values) => "[" + string.Join(',', values) + "]";

    /// <summary>A JSON array of strings, escaped, for <c>json_each(@param)</c>.</summary>
    public static string JsonArray(IEnumerable<string> values) => System.Text.Json.JsonSerializer.Serialize(values);
}
