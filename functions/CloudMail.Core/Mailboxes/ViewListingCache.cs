namespace CloudMail.Core.Mailboxes;

/// <summary>
/// The listings of mailboxes for a client's view (<see cref="IMailboxIndex.ListForViewAsync"/>: what an IMAP SELECT or a
/// POP3 maildrop holds), kept by the process and shared by every session: a webmail client selects the same mailbox for
/// every page it shows, often over a new connection, and listing 50,000 messages from the index costs tens of
/// milliseconds and a copy of every record per session, where Dovecot answers SELECT from the index file it maps.
/// A listing is kept under (account, UIDVALIDITY, name) with a MODSEQ at which it was at least current; every change to
/// a mailbox's messages (an append, a flag change, an expunge) raises its HIGHESTMODSEQ (RFC 7162 §3.1.1, §3.2.10), so
/// a listing kept at the mailbox's HIGHESTMODSEQ is given back as it is, and an older one is brought up to date with
/// <see cref="IMailboxIndex.GetChangesSinceAsync"/> (work in proportion to the changes) instead of listed again. The
/// records are shared, never changed: a view that learns of a change replaces its record. Bounded by messages held
/// (each listing counting as at least <see cref="MinimumWeight"/>), the least recently used listing dropped first.
/// Thread-safe.
/// </summary>
public sealed class ViewListingCache(IMailboxIndex mailboxes, int capacity)
{
    /// <summary>The least a listing counts against the capacity, however few messages it holds.</summary>
    public const int MinimumWeight = 64;

    private static readonly Comparer<MessageRecord> ByUid = Comparer<MessageRecord>.Create((a, b) => a.Uid.CompareTo(b.Uid));

    private readonly Dictionary<(string Account, uint UidValidity, string Name), LinkedListNode<Kept>> _kept = [];
    private readonly LinkedList<Kept> _recency = new();
    private readonly Lock _lock = new();
    private long _held;
    private int _hits;
    private int _updates;
    private int _listings;

    /// <summary>Listings given back as they were kept (for tests).</summary>
    public int Hits => Volatile.Read(ref _hits);

    /// <summary>Listings brought up to date from a kept one with the changes since it (for tests).</summary>
    public int Updates => Volatile.Read(ref _updates);

    /// <summary>Listings read whole from the index (for tests).</summary>
    public int Listings => Volatile.Read(ref _listings);

    /// <summary>
    /// The messages of the mailbox <paramref name="info"/> describes, ascending by UID, without structures or blob hashes,
    /// current at least up to <paramref name="info"/>'s HIGHESTMODSEQ (possibly later: as with a listing read from the
    /// index after <paramref name="info"/>, a view merging later changes compares MODSEQs). <paramref name="info"/> must
    /// have been read before this call. The list is shared: callers must not change it. Throws as
    /// <see cref="IMailboxIndex.ListForViewAsync"/> does.
    /// </summary>
    public async Task<IReadOnlyList<MessageRecord>> ListAsync(string account, MailboxInfo info, CancellationToken cancellationToken)
    {
        var key = (account, info.UidValidity, info.Name);
        var kept = Find(key);
        if (kept is not null && kept.ModSeq >= info.HighestModSeq)
        {
            Interlocked.Increment(ref _hits);
            return kept.Records;
        }
        MessageRecord[] records;
        if (kept is not null
            && await mailboxes.GetChangesSinceAsync(account, info.Name, kept.ModSeq, cancellationToken).ConfigureAwait(false) is { Complete: true } changes)
        {
            records = Merge(kept.Records, changes);
            Interlocked.Increment(ref _updates);
        }
        else
        {
            records = [.. InUidOrder(await mailboxes.ListForViewAsync(account, info.Name, cancellationToken).ConfigureAwait(false))];
            Interlocked.Increment(ref _listings);
        }
        Keep(key, new Kept(key, info.HighestModSeq, records));
        return records;
    }

    /// <summary>What the listings held now count against the capacity (for tests).</summary>
    public long Held
    {
        get
        {
            lock (_lock) return _held;
        }
    }

    /// <summary>
    /// <paramref name="kept"/> with <paramref name="changes"/> merged: expunged UIDs gone, changed records replacing older
    /// ones, new ones in UID order; records as a view keeps them (<see cref="ForView"/>).
    /// </summary>
    private static MessageRecord[] Merge(MessageRecord[] kept, MailboxChanges changes)
    {
        var expunged = changes.Expunged.Count == 0 ? null : changes.Expunged.ToHashSet();
        var changed = new Dictionary<uint, MessageRecord>(changes.Changed.Count);
        foreach (var m in changes.Changed) changed[m.Uid] = m;
        var merged = new List<MessageRecord>(kept.Length + changed.Count);
        foreach (var m in kept)
        {
            if (expunged?.Contains(m.Uid) == true) continue;
            if (changed.Remove(m.Uid, out var newer) && newer.ModSeq > m.ModSeq) merged.Add(ForView(newer));
            else merged.Add(m);
        }
        int firstNew = merged.Count;
        foreach (var m in changed.Values)
            if (expunged?.Contains(m.Uid) != true) merged.Add(ForView(m));
        if (merged.Count > firstNew)
        {
            // New messages usually come after every kept UID (UIDs only grow); sort only when they do not.
            merged.Sort(firstNew, merged.Count - firstNew, ByUid);
            if (firstNew > 0 && merged[firstNew].Uid < merged[firstNew - 1].Uid) merged.Sort(ByUid);
        }
        return [.. merged];
    }

    /// <summary>
    /// A record as <see cref="IMailboxIndex.ListForViewAsync"/> gives it: without structure and blob hash (records of
    /// changes may carry them). The same object when it has neither.
    /// </summary>
    public static MessageRecord ForView(MessageRecord m) => m is { Structure: null, Blob.Sha256.Length: 0 }
        ? m
        : m with { Structure = null, Blob = m.Blob with { Sha256 = "" } };

    /// <summary><paramref name="records"/> ascending by UID: as they are when already so (as an index lists them), else sorted.</summary>
    public static IEnumerable<MessageRecord> InUidOrder(IReadOnlyList<MessageRecord> records)
    {
        for (int i = 1; i < records.Count; i++)
            if (records[i].Uid <= records[i - 1].Uid) return records.Order(ByUid);
        return records;
    }

    /// <summary>The index of the record with <paramref name="uid"/> in a listing (ascending by UID, as <see cref="ListAsync"/> gives it), or -1.</summary>
    public static int IndexOfUid(IReadOnlyList<MessageRecord> listing, uint uid)
    {
        int low = 0, high = listing.Count - 1;
        while (low <= high)
        {
            int middle = low + (high - low) / 2;
            uint at = listing[middle].Uid;
            if (at == uid) return middle;
            if (at < uid) low = middle + 1;
            else high = middle - 1;
        }
        return -1;
    }

    private Kept? Find((string, uint, string) key)
    {
        lock (_lock)
        {
            if (!_kept.TryGetValue(key, out var node)) return null;
            _recency.Remove(node);
            _recency.AddFirst(node);
            return node.Value;
        }
    }

    /// <summary>Keeps <paramref name="listing"/> unless a listing at a higher MODSEQ was kept meanwhile; drops the least recently used to make room.</summary>
    private void Keep((string, uint, string) key, Kept listing)
    {
        long weight = Weight(listing);
        if (weight > capacity) return;
        lock (_lock)
        {
            if (_kept.TryGetValue(key, out var existing))
            {
                if (existing.Value.ModSeq > listing.ModSeq) return;
                Drop(existing);
            }
            while (_held + weight > capacity && _recency.Last is { } oldest) Drop(oldest);
            _kept[key] = _recency.AddFirst(listing);
            _held += weight;
        }
    }

    private void Drop(LinkedListNode<Kept> node)
    {
        _recency.Remove(node);
        _kept.Remove(node.Value.Key);
        _held -= Weight(node.Value);
    }

    private static long Weight(Kept listing) => Math.Max(listing.Records.Length, MinimumWeight);

    private sealed record Kept((string Account, uint UidValidity, string Name) Key, ulong ModSeq, MessageRecord[] Records);
}
