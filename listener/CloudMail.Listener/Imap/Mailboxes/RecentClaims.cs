using System.Collections.Concurrent;

namespace CloudMail.Listener.Imap.Mailboxes;

/// <summary>
/// Which session a message is recent to (RFC 3501 §2.3.2 \Recent: "this session is the first session to have been
/// notified about this message"). Per mailbox (account, name, UIDVALIDITY) it keeps the first UID no session has claimed;
/// a read-write SELECT, and each later EXISTS in that session, claims every message up to UIDNEXT, so of concurrent
/// sessions exactly one sees a message as recent. EXAMINE looks without claiming (RFC 3501 §6.3.2).
/// </summary>
/// <remarks>
/// Kept in memory for the process's lifetime: after a restart nothing has been claimed, so the first session to select a
/// mailbox sees all its messages as recent, as RFC 3501 §2.3.2 asks when it "is not possible to determine whether or not
/// this session is the first session to be notified". In Azure mode each listener replica keeps its own claims, so two
/// sessions on two replicas may both see a message as recent. IMAP4rev2 (RFC 9051) dropped \Recent. Bounded: past
/// <see cref="MaxTracked"/> mailboxes (renamed, deleted and recreated ones included) every claim is forgotten, as at a
/// restart.
/// </remarks>
internal sealed class RecentClaims(int maxTracked = RecentClaims.DefaultMaxTracked)
{
    public const int DefaultMaxTracked = 200_000;

    private readonly ConcurrentDictionary<(string Account, string Mailbox, uint UidValidity), uint> _firstUnclaimed = new();

    public int MaxTracked { get; } = maxTracked;

    /// <summary>Mailboxes with a claim now.</summary>
    public int Count => _firstUnclaimed.Count;

    /// <summary>
    /// Claims every message below <paramref name="uidNext"/> not claimed yet; returns the first UID recent to the caller
    /// (messages from it up to <paramref name="uidNext"/> − 1 are the caller's; none when it equals <paramref name="uidNext"/>).
    /// </summary>
    public uint Claim(string account, string mailbox, uint uidValidity, uint uidNext)
    {
        var key = (account.ToLowerInvariant(), mailbox, uidValidity);
        // Count takes every lock of the dictionary: only asked when a mailbox is new to it (a SELECT's first claim).
        if (!_firstUnclaimed.ContainsKey(key) && _firstUnclaimed.Count >= MaxTracked) _firstUnclaimed.Clear();
        while (true)
        {
            uint first = _firstUnclaimed.GetOrAdd(key, 1);
            if (first >= uidNext) return uidNext;
            if (_firstUnclaimed.TryUpdate(key, uidNext, first)) return first;
        }
    }

    /// <summary>The first UID no session has claimed (1 when none has): messages from it on are recent to nobody yet.</summary>
    public uint FirstUnclaimed(string account, string mailbox, uint uidValidity) =>
        _firstUnclaimed.TryGetValue((account.ToLowerInvariant(), mailbox, uidValidity), out uint first) ? first : 1;
}
