namespace CloudMail.Storage.Embedded;

/// <summary>
/// Section <c>CloudMail:EmbeddedStorage</c>: how the embedded backend stores message bodies. Every default and
/// limit is here; <see cref="Validate"/> runs when the store opens.
/// </summary>
public sealed class EmbeddedStorageOptions
{
    public const string Section = "CloudMail:EmbeddedStorage";

    /// <summary>Default <see cref="SmallBlobThreshold"/>: 256 KiB, well above a typical message.</summary>
    public const int DefaultSmallBlobThreshold = 256 * 1024;

    /// <summary>Largest allowed <see cref="SmallBlobThreshold"/> (16 MiB): the writer buffers up to this much per message in memory.</summary>
    public const int MaxSmallBlobThreshold = 16 * 1024 * 1024;

    /// <summary>
    /// Messages of at most this many bytes are stored as rows of the queue database (<c>queue.db</c>, table
    /// <c>blobs</c>), committed together with their queue job and other sessions' writes (one WAL fsync per group
    /// commit), or, when appended over IMAP, as rows of <c>mail.db</c>'s table <c>blobs</c> committed with their mailbox
    /// index rows; larger ones are files under <c>messages/</c> (fsync + rename + fsync of the folder each). A writer keeps up to
    /// this many bytes in memory before it spills to a temp file, so memory is bounded by this value times
    /// the concurrent sessions. 0 stores every message as a file. Changing it later is safe: reads look in
    /// both places.
    /// </summary>
    public int SmallBlobThreshold { get; set; } = DefaultSmallBlobThreshold;

    /// <summary>Default <see cref="BlobCacheBytes"/>: 32 MiB.</summary>
    public const long DefaultBlobCacheBytes = 32 * 1024 * 1024;

    /// <summary>
    /// Most bytes of messages recently read by mail clients (IMAP FETCH, POP3 RETR) kept in memory (messages of up to
    /// 64 KiB stored as rows, least recently read dropped first; a deleted message's copy goes with it; not those a FETCH
    /// over many messages reads together, a message list that would crowd the others out). Each commit to a
    /// database empties SQLite's page cache of every connection reading it, so while other sessions write, a message
    /// read again (by a second device, or a client opening it twice) would otherwise be read from the file again. 0 keeps
    /// nothing.
    /// </summary>
    public long BlobCacheBytes { get; set; } = DefaultBlobCacheBytes;

    /// <summary>Default <see cref="SearchIndexMaxBodyChars"/>: 64 Ki characters of body text per message.</summary>
    public const int DefaultSearchIndexMaxBodyChars = 64 * 1024;

    /// <summary>
    /// Most characters of a message's body text the search index keeps (its header fields are kept up to 16 Ki characters
    /// each). A longer message is indexed up to the limit and marked, and SEARCH BODY/TEXT reads it from the store instead,
    /// so answers stay exact; the limit only bounds the index's size (about twice the indexed text). At least 1024.
    /// </summary>
    public int SearchIndexMaxBodyChars { get; set; } = DefaultSearchIndexMaxBodyChars;

    /// <summary>Default <see cref="MinFreeSpace"/>: 100 MiB.</summary>
    public const long DefaultMinFreeSpace = 100 * 1024 * 1024;

    /// <summary>
    /// Bytes that must stay free on the data directory's volume beyond a new message's size: below that, new mail is
    /// refused for now (SMTP MAIL 452 4.3.1, the send API 503, IMAP APPEND <c>NO [OVERQUOTA]</c>) instead of a write
    /// failing in the middle of a message, and the last space is left to flag changes and expunges (as Postfix refuses
    /// mail unless 1.5 times its message size limit is free). Default 100 MiB; 0: never checked.
    /// </summary>
    public long MinFreeSpace { get; set; } = DefaultMinFreeSpace;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> when a value is outside its documented range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(SmallBlobThreshold);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(SmallBlobThreshold, MaxSmallBlobThreshold);
        ArgumentOutOfRangeException.ThrowIfLessThan(SearchIndexMaxBodyChars, 1024);
        ArgumentOutOfRangeException.ThrowIfNegative(BlobCacheBytes);
        ArgumentOutOfRangeException.ThrowIfNegative(MinFreeSpace);
    }
}
