namespace CloudMail.Storage.Embedded.Blobs;

/// <summary>
/// The table of small message blobs (see <see cref="EmbeddedStorageOptions.SmallBlobThreshold"/>). It lives in
/// the queue database, so a message's bytes and its inbound job go through the same group-committing writer.
/// </summary>
internal static class BlobTableSchema
{
    public const string V1 = """
        -- One row per committed small message; write-once (a second commit must bring the same size and hash).
        CREATE TABLE blobs (
            id      TEXT NOT NULL PRIMARY KEY,
            size    INTEGER NOT NULL,
            sha256  TEXT NOT NULL,                -- lower-case hex
            data    BLOB NOT NULL                 -- last, so lookups by id never read the overflow pages
        );
        """;
}
