namespace CloudMail.Storage.Embedded.Directory;

/// <summary>Tables of the mail directory (in the main database). Addresses and domains are stored lower-cased.</summary>
internal static class DirectorySchema
{
    public const string V1 = """
        CREATE TABLE domains (
            name        TEXT NOT NULL PRIMARY KEY,
            created_at  INTEGER NOT NULL              -- UTC ticks
        ) WITHOUT ROWID;

        CREATE TABLE accounts (
            address        TEXT NOT NULL PRIMARY KEY,
            domain         TEXT NOT NULL REFERENCES domains(name),
            password_hash  TEXT NOT NULL,
            created_at     INTEGER NOT NULL           -- UTC ticks
        ) WITHOUT ROWID;
        CREATE INDEX accounts_by_domain ON accounts(domain, address);

        -- alias is an address or '@domain' (catch-all); one row per target.
        CREATE TABLE aliases (
            alias   TEXT NOT NULL,
            target  TEXT NOT NULL,
            domain  TEXT NOT NULL REFERENCES domains(name),
            PRIMARY KEY (alias, target)
        ) WITHOUT ROWID;
        CREATE INDEX aliases_by_domain ON aliases(domain, alias, target);
        """;

    /// <summary>Per-account quota limits (NULL = the configured default, 0 = unlimited).</summary>
    public const string V2 = """
        ALTER TABLE accounts ADD COLUMN quota_storage_bytes INTEGER NULL;
        ALTER TABLE accounts ADD COLUMN quota_messages INTEGER NULL;
        """;

    /// <summary>Migration 13: the account's disabled state (0 = enabled, the value of every existing account).</summary>
    public const string V3 = """
        ALTER TABLE accounts ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;
        """;
}
