namespace CloudMail.Storage.Embedded.Sqlite;

/// <summary>
/// Process-wide settings of the SQLite library, applied once before this assembly opens its first connection
/// (<see cref="EnsureApplied"/> is called by every place that opens one).
/// </summary>
/// <remarks>
/// Memory statistics are turned off (<c>SQLITE_CONFIG_MEMSTATUS</c> = 0; the bundled library is built with them on).
/// With them on, every allocation and free of every connection takes one global mutex, so the two writer threads and the
/// readers of the thread pool contend for it (FUTEX_WAIT/WAKE pairs between exactly those threads in an strace of
/// one-connection SMTP). CloudMail never reads the statistics (<c>sqlite3_memory_used</c>, soft heap limits), and SQLite's
/// documentation recommends them off for performance. SQLite accepts the setting only before it initializes; if a
/// connection was opened earlier in the process (outside this assembly), the call is refused and the statistics stay on,
/// which changes speed only.
/// </remarks>
internal static class SqliteLibrarySettings
{
    private const int SqliteConfigMemStatus = 9; // SQLITE_CONFIG_MEMSTATUS, sqlite3.h

    /// <summary>The result code of the configuration call (0 = applied, 21 = SQLITE_MISUSE: the library had already started).</summary>
    public static int MemoryStatisticsResult { get; }

    static SqliteLibrarySettings()
    {
        SQLitePCL.Batteries_V2.Init();
        MemoryStatisticsResult = SQLitePCL.raw.sqlite3_config(SqliteConfigMemStatus, 0);
    }

    /// <summary>Applies the settings (the first call in the process does; a static constructor runs once, other threads wait for it).</summary>
    public static void EnsureApplied() => _ = MemoryStatisticsResult;
}
