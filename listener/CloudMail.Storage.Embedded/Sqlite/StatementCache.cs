using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace CloudMail.Storage.Embedded.Sqlite;

/// <summary>
/// Prepared statements kept per connection and SQL text, so a statement is parsed once per connection instead
/// of once per call (SQLite's parser showed up in profiles of the accept and delivery paths). A cached
/// <see cref="SqliteCommand"/> keeps its prepared statements until the connection closes (Microsoft.Data.Sqlite
/// finalizes them then); its parameters are rebound on every use. Connections are used by one caller at a time,
/// so the per-connection table needs no lock; a statement already in use (a query run from inside another
/// query's row mapping) gets a one-off command instead. At most <see cref="MaxPerConnection"/> texts are cached
/// per connection; texts beyond that (e.g. one-off PRAGMAs) are prepared and finalized per call as before.
/// </summary>
internal static class StatementCache
{
    public const int MaxPerConnection = 128;

    private static readonly ConditionalWeakTable<SqliteConnection, Dictionary<string, Statement>> Tables = [];

    /// <summary>A command for <paramref name="sql"/> on <paramref name="connection"/> with <paramref name="args"/> bound; dispose the lease after use.</summary>
    public static Lease Rent(SqliteConnection connection, string sql, ReadOnlySpan<(string Name, object? Value)> args)
    {
        Dictionary<string, Statement> table = Tables.GetValue(connection, static _ => new Dictionary<string, Statement>(StringComparer.Ordinal));
        if (!table.TryGetValue(sql, out Statement? statement))
        {
            if (table.Count >= MaxPerConnection) return new Lease(NewCommand(connection, sql, args), null);
            statement = new Statement(NewCommand(connection, sql, args));
            table.Add(sql, statement);
            statement.InUse = true;
            return new Lease(statement.Command, statement);
        }
        if (statement.InUse) return new Lease(NewCommand(connection, sql, args), null);
        Rebind(statement.Command, args);
        statement.InUse = true;
        return new Lease(statement.Command, statement);
    }

    private static SqliteCommand NewCommand(SqliteConnection connection, string sql, ReadOnlySpan<(string Name, object? Value)> args)
    {
        SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        foreach ((string name, object? value) in args) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    /// <summary>Same SQL text, so normally the same names; a call site with other names gets its parameters replaced.</summary>
    private static void Rebind(SqliteCommand command, ReadOnlySpan<(string Name, object? Value)> args)
    {
        SqliteParameterCollection parameters = command.Parameters;
        bool sameShape = parameters.Count == args.Length;
        for (int i = 0; sameShape && i < args.Length; i++) sameShape = parameters[i].ParameterName == args[i].Name;
        if (!sameShape)
        {
            parameters.Clear();
            foreach ((string name, object? value) in args) parameters.AddWithValue(name, value ?? DBNull.Value);
            return;
        }
        for (int i = 0; i < args.Length; i++) parameters[i].Value = args[i].Value ?? DBNull.Value;
    }

    internal sealed class Statement(SqliteCommand command)
    {
        public SqliteCommand Command { get; } = command;
        public bool InUse { get; set; }
    }

    /// <summary>Gives a cached command back (its parameter values are cleared so large blobs are not kept alive), or disposes a one-off one.</summary>
    public readonly struct Lease : IDisposable
    {
        private readonly Statement? _statement;

        internal Lease(SqliteCommand command, Statement? statement)
        {
            Command = command;
            _statement = statement;
        }

        public SqliteCommand Command { get; }

        public void Dispose()
        {
            if (_statement is null)
            {
                Command.Dispose();
                return;
            }
            foreach (SqliteParameter parameter in Command.Parameters) parameter.Value = DBNull.Value;
            _statement.InUse = false;
        }
    }
}
