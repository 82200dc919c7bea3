namespace CloudMail.Storage.Embedded.Blobs;

/// <summary>
/// The bytes of recently read small blobs, least recently used dropped first, at most <paramref name="capacityBytes"/> in
/// all (0: nothing is kept). Blobs are write-once, so a kept copy stays right until the blob is deleted: a delete drops it
/// (<see cref="Remove"/>), and a read that started before a delete does not put its copy back (<see cref="Version"/>).
/// Why it exists: every commit to a SQLite database empties the page cache of each reading connection, so with writes
/// going on (flag changes, deliveries) each blob read would go back to the file; a client reading a new message from
/// several devices, or re-reading an open one, is served from here instead. Thread-safe.
/// </summary>
internal sealed class RecentBlobCache(long capacityBytes)
{
    private readonly object _gate = new();
    private readonly Dictionary<string, LinkedListNode<(string Id, byte[] Bytes)>> _byId = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Id, byte[] Bytes)> _recency = new();
    private long _bytes;
    private long _version;

    /// <summary>Bytes kept now (diagnostics and tests).</summary>
    public long Bytes
    {
        get { lock (_gate) return _bytes; }
    }

    /// <summary>Changes with every <see cref="Remove"/>: read it before a store read, pass it to <see cref="TryAdd"/> after.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>The kept bytes of <paramref name="blobId"/> (never to be written to), marked as just used; false when none are kept.</summary>
    public bool TryGet(string blobId, out byte[] bytes)
    {
        lock (_gate)
        {
            if (_byId.TryGetValue(blobId, out var node))
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
                bytes = node.Value.Bytes;
                return true;
            }
        }
        bytes = [];
        return false;
    }

    /// <summary>
    /// Keeps <paramref name="bytes"/> (the caller's copy, not changed afterwards) unless a blob was removed since
    /// <paramref name="versionBeforeRead"/> was read, or it is larger than an eighth of the capacity.
    /// </summary>
    public void TryAdd(string blobId, byte[] bytes, long versionBeforeRead)
    {
        if (capacityBytes == 0 || bytes.Length > capacityBytes / 8) return;
        lock (_gate)
        {
            if (_version != versionBeforeRead || _byId.ContainsKey(blobId)) return;
            _byId[blobId] = _recency.AddFirst((blobId, bytes));
            _bytes += bytes.Length;
            while (_bytes > capacityBytes && _recency.Last is { } oldest)
            {
                _recency.RemoveLast();
                _byId.Remove(oldest.Value.Id);
                _bytes -= oldest.Value.Bytes.Length;
            }
        }
    }

    /// <summary>Drops the copy of <paramref name="blobId"/>, if one is kept, and stops reads already under way from adding one.</summary>
    public void Remove(string blobId)
    {
        lock (_gate)
        {
            Interlocked.Increment(ref _version);
            if (_byId.Remove(blobId, out var node))
            {
                _recency.Remove(node);
                _bytes -= node.Value.Bytes.Length;
            }
        }
    }
}
