using System.Collections.Concurrent;

namespace CloudMail.Listener.Imap.Messages;

/// <summary>
/// Answers computed over every message of a mailbox view (the order of a SORT, the threads of a THREAD), shared
/// by every session of the process: a webmail client sorts or threads the same mailbox for every page it shows, often
/// over a new connection each time, and with 50,000 messages computing the answer costs 100 ms and more, where Dovecot
/// answers from the sort order and thread index it keeps. An answer is kept under (account, UIDVALIDITY, name) with the
/// ascending UIDs it covers, and is given back only to a view holding exactly those UIDs: what SORT and THREAD read of a
/// message (RFC 5256 §2: internal date, size, header fields) never changes while its UID stands (RFC 3501 §2.3.1.1), and
/// an account never reuses a UIDVALIDITY, even after it is erased and made again, so an answer over the same UIDs is the
/// answer over the same messages. Bounded: when answers over more than <c>capacity</c> messages are held (each counting
/// as at least <see cref="MinimumWeight"/>) it starts over empty. Thread-safe.
/// </summary>
internal sealed class MailboxViewCache<T>(int capacity) where T : class
{
    private readonly ConcurrentDictionary<(string Account, uint UidValidity, string Name), (uint[] Uids, T Value)> _answers = new();
    private int _held;
    private int _hits;
    private int _updates;

    /// <summary>Answers given back (for tests).</summary>
    public int Hits => Volatile.Read(ref _hits);

    /// <summary>Answers kept that were brought up to date from an earlier one rather than computed anew (for tests).</summary>
    public int Updates => Volatile.Read(ref _updates);

    /// <summary>The answer kept as <paramref name="name"/> for exactly <paramref name="uids"/> (ascending) of the mailbox, or null.</summary>
    public T? Get(string account, uint uidValidity, string name, ReadOnlySpan<uint> uids)
    {
        if (Find(account, uidValidity, name, uids) is not { } value) return null;
        Interlocked.Increment(ref _hits);
        return value;
    }

    /// <summary>Whether an answer is kept as <paramref name="name"/> for exactly <paramref name="uids"/>; not counted as a hit.</summary>
    public bool Holds(string account, uint uidValidity, string name, ReadOnlySpan<uint> uids) => Find(account, uidValidity, name, uids) is not null;

    /// <summary>What is kept as <paramref name="name"/> of the mailbox, over whatever UIDs; not counted as a hit.</summary>
    public (uint[] Uids, T Value)? Latest(string account, uint uidValidity, string name) =>
        _answers.TryGetValue((account, uidValidity, name), out var kept) ? kept : null;

    private T? Find(string account, uint uidValidity, string name, ReadOnlySpan<uint> uids) =>
        _answers.TryGetValue((account, uidValidity, name), out var kept) && kept.Uids.AsSpan().SequenceEqual(uids) ? kept.Value : null;

    /// <summary>
    /// Keeps <paramref name="value"/> over <paramref name="uids"/>, replacing what was kept as <paramref name="name"/> (over
    /// other UIDs); <paramref name="updated"/>: brought up to date from that (counted in <see cref="Updates"/>).
    /// </summary>
    public void Add(string account, uint uidValidity, string name, uint[] uids, T value, bool updated = false)
    {
        if (updated) Interlocked.Increment(ref _updates);
        if (Weight(uids) > capacity) return;
        var key = (account, uidValidity, name);
        lock (_answers)
        {
            if (_answers.TryGetValue(key, out var replaced)) _held -= Weight(replaced.Uids);
            if (_held + Weight(uids) > capacity)
            {
                _answers.Clear();
                _held = 0;
            }
            _answers[key] = (uids, value);
            _held += Weight(uids);
        }
    }

    /// <summary>
    /// What an answer counts against the capacity: its messages, and at least <see cref="MinimumWeight"/>, so that the
    /// answers of many small mailboxes (each with its key and arrays) are bounded in number too.
    /// </summary>
    private static int Weight(uint[] uids) => Math.Max(uids.Length, MinimumWeight);

    /// <summary>The least an answer counts against the capacity, however few messages it covers.</summary>
    public const int MinimumWeight = 64;

    /// <summary>What the answers held now count against the capacity (for tests).</summary>
    public int Held
    {
        get
        {
            lock (_answers) return _held;
        }
    }
}
