using CloudMail.Storage.Embedded.Sqlite;
using CloudMail.Storage.Embedded.Tests.Support;
using Microsoft.Data.Sqlite;

namespace CloudMail.Storage.Embedded.Tests;

/// <summary>Prepared statements are reused per connection and stay usable after a failed execution.</summary>
public sealed class StatementCacheTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public void A_statement_that_failed_runs_again_with_new_values()
    {
        using SqliteConnection c = SqliteConnections.Open(Path.Combine(_folder.Path, "t.db"));
        c.Execute("CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER)");
        const string insert = "INSERT INTO t (k, v) VALUES (@k, @v)";

        c.Execute(insert, ("@k", "a"), ("@v", 1));
        Assert.Throws<SqliteException>(() => c.Execute(insert, ("@k", "a"), ("@v", 2)));
        c.Execute(insert, ("@k", "b"), ("@v", null));

        Assert.Equal(2, c.ScalarInt64("SELECT COUNT(*) FROM t"));
        Assert.Null(c.Scalar("SELECT v FROM t WHERE k = @k", ("@k", "b")));
        Assert.Equal(1, c.ScalarInt64("SELECT v FROM t WHERE k = @k", ("@k", "a")));
    }

    [Fact]
    public void A_query_run_from_inside_the_same_query_gets_its_own_command()
    {
        using SqliteConnection c = SqliteConnections.Open(Path.Combine(_folder.Path, "t.db"));
        c.Execute("CREATE TABLE t (k INTEGER PRIMARY KEY)");
        foreach (int k in new[] { 1, 2, 3 }) c.Execute("INSERT INTO t (k) VALUES (@k)", ("@k", k));
        const string select = "SELECT k FROM t WHERE k >= @min ORDER BY k";

        List<int> counts = c.Query(select, r => c.Query(select, inner => inner.GetInt32(0), ("@min", r.GetInt32(0))).Count, ("@min", 1));

        Assert.Equal([3, 2, 1], counts);
    }

    [Fact]
    public void The_same_text_with_other_parameter_names_is_rebound()
    {
        using SqliteConnection c = SqliteConnections.Open(Path.Combine(_folder.Path, "t.db"));
        const string select = "SELECT @a + COALESCE(@b, 0)";

        Assert.Equal(3, c.ScalarInt64(select, ("@a", 1), ("@b", 2)));
        Assert.Equal(5, c.ScalarInt64(select, ("@b", 4), ("@a", 1)));
        Assert.Equal(7, c.ScalarInt64(select, ("@a", 7), ("@b", null)));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }
}
