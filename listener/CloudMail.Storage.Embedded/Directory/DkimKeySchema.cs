namespace CloudMail.Storage.Embedded.Directory;

/// <summary>The DKIM key table of the mail directory (in the main database, migration 3). Domains and selectors lower-cased.</summary>
internal static class DkimKeySchema
{
    public const string V1 = """
        -- One row per signing key; private_key_pem is PKCS#8 PEM text (mail.db is owner-only, like the data folder).
        CREATE TABLE dkim_keys (
            domain           TEXT    NOT NULL,
            selector         TEXT    NOT NULL,
            algorithm        TEXT    NOT NULL,        -- DkimAlgorithm name, e.g. RsaSha256
            private_key_pem  TEXT    NOT NULL,
            created_at       INTEGER NOT NULL,        -- UTC ticks
            active           INTEGER NOT NULL,        -- 1 while outbound mail is signed with it
            PRIMARY KEY (domain, selector)
        ) WITHOUT ROWID;
        """;
}
