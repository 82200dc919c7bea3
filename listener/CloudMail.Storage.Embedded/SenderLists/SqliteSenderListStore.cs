using CloudMail.Core.Filtering.SenderLists;
using CloudMail.Storage.Embedded.Sqlite;
using Microsoft.Data.Sqlite;

namespace CloudMail.Storage.Embedded.SenderLists;

/// <summary><see cref="ISenderListStore"/> as the <c>sender_lists</c> table of mail.db; each write is one transaction.</summary>
internal sealed class SqliteSenderListStore(SqliteDatabase db) : ISenderListStore
{
    private const string Columns = "scope, kind, pattern, added_at";

    public Task<bool> AddAsync(SenderListEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return db.WriteAsync(c => c.Execute($"""
            INSERT INTO sender_lists ({Columns}) VALUES (@s, @k, @p, @t)
            ON CONFLICT (scope, kind, pattern) DO NOTHING
            """, ("@s", entry.Scope), ("@k", entry.Kind.ToString()), ("@p", entry.Pattern), ("@t", StoredTime.ToTicks(entry.AddedAt))) == 1,
            cancellationToken);
    }

    public Task<bool> RemoveAsync(string scope, SenderListKind kind, string pattern, CancellationToken cancellationToken) =>
        db.WriteAsync(c => c.Execute("DELETE FROM sender_lists WHERE scope = @s AND kind = @k AND pattern = @p",
            ("@s", scope), ("@k", kind.ToString()), ("@p", pattern)) == 1, cancellationToken);

    public Task<IReadOnlyList<SenderListEntry>> ListAsync(string scope, CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<SenderListEntry>>(c => Sorted(c.Query($"SELECT {Columns} FROM sender_lists WHERE scope = @s", Read, ("@s", scope))),
            cancellationToken);

    public Task<IReadOnlyList<SenderListEntry>> ListAllAsync(CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<SenderListEntry>>(c => Sorted(c.Query($"SELECT {Columns} FROM sender_lists", Read)), cancellationToken);

    /// <summary>Ordinal order by scope, kind (Allow first), pattern, as the contract lists them.</summary>
    private static List<SenderListEntry> Sorted(IEnumerable<SenderListEntry> entries) =>
        [.. entries.OrderBy(e => e.Scope, StringComparer.Ordinal).ThenBy(e => e.Kind).ThenBy(e => e.Pattern, StringComparer.Ordinal)];

    private static SenderListEntry Read(SqliteDataReader r) =>
        new(r.GetString(0), Enum.Parse<SenderListKind>(r.GetString(1)), r.GetString(2), StoredTime.FromTicks(r.GetInt64(3)));
}
