using CloudMail.Core.Mailboxes;
using CloudMail.Protocols.Imap;
using CloudMail.Protocols.Imap.Model;
using CloudMail.Protocols.Imap.Writing;

namespace CloudMail.Listener.Imap.Mailboxes;

/// <summary>
/// The selected mailbox as this session's client knows it: the message sequence numbers (RFC 3501 §2.3.1.2)
/// mapped to UIDs, each message's last reported state, and the changes other sessions made that the client has
/// not been told about yet. New messages get sequence numbers only when announced with EXISTS; expunged ones
/// keep theirs until announced with EXPUNGE (RFC 3501 §7.4.1), so the numbering the client uses is always
/// the one this view resolves.
/// </summary>
internal sealed class SelectedMailbox
{
    private readonly List<uint> _uids = [];

    /// <summary>
    /// Each message's last reported state, at the index of its UID in <see cref="_uids"/> (a list beside the UIDs rather
    /// than a dictionary by UID: 8 bytes a message instead of about 28, and a record by sequence number is one index).
    /// </summary>
    private readonly List<MessageRecord> _records = [];
    private readonly SortedDictionary<uint, MessageRecord> _pendingNew = [];
    private readonly SortedSet<uint> _pendingExpunged = [];
    private readonly SortedSet<uint> _pendingFlags = [];
    private readonly SortedSet<string> _announcedKeywords = new(StringComparer.OrdinalIgnoreCase);
    private bool _keywordsToAnnounce;
    private readonly HashSet<uint> _recent = [];
    private readonly RecentClaims? _recentClaims;
    private readonly string _account;

    /// <summary>
    /// The view of a mailbox just selected. With <paramref name="recentClaims"/>, a read-write view claims the messages no
    /// session has seen yet as its \Recent ones (RFC 3501 §2.3.2), and later arrivals as it announces them; a read-only
    /// view (EXAMINE) shows the unclaimed ones as recent without claiming them. Without it no message is recent.
    /// </summary>
    public SelectedMailbox(MailboxInfo info, IReadOnlyList<MessageRecord> messages, bool readOnly, RecentClaims? recentClaims = null, string account = "")
    {
        _recentClaims = recentClaims;
        _account = account;
        Name = info.Name;
        UidValidity = info.UidValidity;
        ReadOnly = readOnly;
        KnownModSeq = info.HighestModSeq;
        _announcedModSeq = info.HighestModSeq;
        _uids.Capacity = messages.Count;
        _records.Capacity = messages.Count;
        foreach (var m in ViewListingCache.InUidOrder(messages))
        {
            _uids.Add(m.Uid);
            _records.Add(Listed(m));
            if (m.Keywords.Count > 0) _announcedKeywords.UnionWith(m.Keywords);
        }
        UidNext = Math.Max(info.UidNext, _uids.Count > 0 ? _uids[^1] + 1 : 1);
        MarkRecent(_uids, UidNext);
    }

    /// <summary>
    /// The UIDs a SEARCH RETURN (SAVE) saved (RFC 5182), which "$" names in later commands; empty until one does, and for
    /// the life of this view only (a new SELECT starts empty, §2.1).
    /// </summary>
    public IReadOnlySet<uint> SavedSearch { get; set; } = new HashSet<uint>();

    /// <summary>Whether new messages are announced with a RECENT response after EXISTS (IMAP4rev1); IMAP4rev2 has none.</summary>
    public bool ReportsRecent { get; init; } = true;

    /// <summary>Messages recent to this session (RFC 3501 §2.3.2), the count of the RECENT response.</summary>
    public int RecentCount => _recent.Count;

    /// <summary>True when message <paramref name="uid"/> is \Recent in this session.</summary>
    public bool IsRecent(uint uid) => _recent.Contains(uid);

    private void MarkRecent(IEnumerable<uint> uids, uint uidNext)
    {
        if (_recentClaims is null) return;
        uint first = ReadOnly
            ? _recentClaims.FirstUnclaimed(_account, Name, UidValidity)
            : _recentClaims.Claim(_account, Name, UidValidity, uidNext);
        foreach (uint uid in uids)
            if (uid >= first && uid < uidNext) _recent.Add(uid);
    }

    /// <summary>Stored name (changes when the mailbox is renamed from this session).</summary>
    public string Name { get; set; }

    public uint UidValidity { get; }

    public uint UidNext { get; }

    /// <summary>EXAMINE, or a mailbox the session may not change.</summary>
    public bool ReadOnly { get; }

    /// <summary>Every change up to this MODSEQ has been merged into the view (reported or pending).</summary>
    public ulong KnownModSeq { get; private set; }

    /// <summary>The HIGHESTMODSEQ the client was last given (SELECT's, or an untagged OK after updates).</summary>
    private ulong _announcedModSeq;

    /// <summary>
    /// The HIGHESTMODSEQ the client may keep as "every change up to here seen" (RFC 7162 §3.1.2.1, §3.2.7): what the view
    /// has merged, or null while merged changes are still to be reported (a pending expunge has no MODSEQ of its own the
    /// client could learn it from, so a value past it would make a later QRESYNC skip it).
    /// </summary>
    public ulong? ReportableModSeq => _pendingExpunged.Count == 0 && _pendingFlags.Count == 0 && _pendingNew.Count == 0 ? KnownModSeq : null;

    /// <summary>Messages the client knows about (its EXISTS count).</summary>
    public int Count => _uids.Count;

    public uint UidAt(int seq) => _uids[seq - 1];

    /// <summary>The UIDs the client knows, ascending (sequence order); valid until the view next changes.</summary>
    public ReadOnlySpan<uint> Uids => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_uids);

    public MessageRecord RecordAt(int seq) => _records[seq - 1];

    /// <summary>The sequence number of <paramref name="uid"/>, or 0 when the client does not know it.</summary>
    public int SeqOf(uint uid)
    {
        int i = _uids.BinarySearch(uid);
        return i >= 0 ? i + 1 : 0;
    }

    public IEnumerable<MessageRecord> All => _records;

    public uint LargestUid => _uids.Count > 0 ? _uids[^1] : 0;

    public ulong HighestModSeq => Math.Max(KnownModSeq, _records.Count > 0 ? _records.Max(m => m.ModSeq) : 0);

    /// <summary>
    /// The messages a sequence set (or UID set) names, ascending. For sequence numbers returns false when a
    /// number is beyond the mailbox (RFC 3501 §6.4.5 calls that invalid: BAD). Unknown UIDs are ignored (§6.4.8).
    /// </summary>
    public bool TryResolve(SequenceSet set, bool uid, out List<(int Seq, MessageRecord Message)> result)
    {
        result = [];
        if (set.IsSaved)
        {
            // "$" is the saved result (RFC 5182 §2.1; empty when nothing was saved); expunged messages have left it.
            for (int i = 0; i < _uids.Count; i++)
                if (SavedSearch.Contains(_uids[i])) result.Add((i + 1, _records[i]));
            return true;
        }
        if (uid)
        {
            // The UIDs are ascending: each range is a binary search for its start and a walk to its end.
            foreach (var (low, high) in set.Normalize(LargestUid))
            {
                int i = _uids.BinarySearch(low);
                if (i < 0) i = ~i;
                for (; i < _uids.Count && _uids[i] <= high; i++) result.Add((i + 1, _records[i]));
            }
            return true;
        }
        if (_uids.Count == 0) return false;
        uint count = (uint)_uids.Count;
        foreach (var r in set.Ranges)
        {
            if (r.First != SequenceRange.Star && r.First > count) return false;
            if (r.Last != SequenceRange.Star && r.Last > count) return false;
        }
        foreach (var (low, high) in set.Normalize(count))
            for (uint seq = low; seq <= high; seq++) result.Add(((int)seq, _records[(int)seq - 1]));
        return true;
    }

    /// <summary>
    /// Merges what <see cref="IMailboxIndex.GetChangesSinceAsync"/> returned; nothing is reported yet. An incomplete answer
    /// (the expunge log was pruned past <see cref="KnownModSeq"/>) lists every live message, so every known UID not in it
    /// was expunged (RFC 7162 §3.2.5.2).
    /// </summary>
    public void Apply(MailboxChanges changes)
    {
        IEnumerable<uint> expunged = changes.Expunged;
        if (!changes.Complete)
        {
            var live = changes.Changed.Select(m => m.Uid).ToHashSet();
            expunged = expunged.Concat(_uids.Where(uid => !live.Contains(uid)).ToList());
        }
        foreach (uint uid in expunged)
        {
            _pendingNew.Remove(uid);
            if (SeqOf(uid) != 0) _pendingExpunged.Add(uid);
        }
        foreach (var m in changes.Changed)
        {
            if (SeqOf(m.Uid) is var seq and > 0)
            {
                var known = _records[seq - 1];
                if (m.ModSeq > known.ModSeq && !_pendingExpunged.Contains(m.Uid))
                {
                    if (m.Flags != known.Flags || !SameKeywords(m.Keywords, known.Keywords)) _pendingFlags.Add(m.Uid);
                    _records[seq - 1] = Listed(m);
                    TrackKeywords(m);
                }
            }
            else if (m.Uid > LargestUid && !changes.Expunged.Contains(m.Uid))
            {
                _pendingNew[m.Uid] = Listed(m);
            }
        }
        KnownModSeq = Math.Max(KnownModSeq, changes.HighestModSeq);
    }

    /// <summary>
    /// After this session's own write, merged into the view (a flag update through <see cref="ApplyLocal"/>, an expunge
    /// through <see cref="RemoveAndReport"/>): when the view had merged every change up to <paramref name="before"/>, the
    /// MODSEQs up to <paramref name="after"/> are all that write's, so the view is current up to <paramref name="after"/>
    /// and true is returned; otherwise (another change came in between) false, and the view must read the index as usual.
    /// </summary>
    public bool TryAdvanceOwn(ulong before, ulong after)
    {
        if (before != KnownModSeq || after < before) return false;
        KnownModSeq = after;
        return true;
    }

    /// <summary>
    /// After this session's own APPEND to this mailbox: when <paramref name="appended"/> (as the index stored them) took
    /// the MODSEQs right after <see cref="KnownModSeq"/>, one each, nothing else changed the mailbox in between, so they
    /// are merged as a read of the index would merge them (reported as new by the next update) and true is returned;
    /// otherwise false, and the view must read the index as usual.
    /// </summary>
    public bool TryAddOwn(IReadOnlyList<MessageRecord> appended)
    {
        if (appended.Count == 0) return false;
        for (int i = 0; i < appended.Count; i++)
        {
            if (appended[i].ModSeq != KnownModSeq + 1 + (ulong)i) return false;
        }
        Apply(new MailboxChanges(appended[^1].ModSeq, appended, []));
        return true;
    }

    /// <summary>
    /// The record as the view keeps it (<see cref="ViewListingCache.ForView"/>): without its structure, which a view of a
    /// large mailbox would otherwise hold for every message while it is selected (commands read structures a batch at a
    /// time, see <see cref="Messages.KeptStructureReader"/>), and without its blob's SHA-256 (64 characters, 152 bytes a
    /// message): no command reads it, and copies and moves copy the index rows, not the view's records. SELECT lists
    /// without them; records of later changes may carry them.
    /// </summary>
    private static MessageRecord Listed(MessageRecord m) => ViewListingCache.ForView(m);

    /// <summary>This session changed flags itself and reports them in its own response.</summary>
    public void ApplyLocal(IEnumerable<MessageRecord> updated)
    {
        foreach (var m in updated)
        {
            if (SeqOf(m.Uid) is not (var seq and > 0)) continue;
            _records[seq - 1] = Listed(m);
            _pendingFlags.Remove(m.Uid);
            TrackKeywords(m);
        }
    }

    /// <summary>Removes an expunged message now being reported by this session; returns its sequence number (0 if unknown).</summary>
    public int RemoveLocal(uint uid)
    {
        int seq = SeqOf(uid);
        if (seq == 0) return 0;
        _uids.RemoveAt(seq - 1);
        _records.RemoveAt(seq - 1);
        _pendingExpunged.Remove(uid);
        _pendingFlags.Remove(uid);
        _recent.Remove(uid);
        return seq;
    }

    /// <summary>
    /// Removes the expunged <paramref name="uids"/> this view still lists and reports them: one <c>* n EXPUNGE</c> each
    /// (RFC 3501 §7.4.1, sequence numbers shifting as they go), or, once the client enabled QRESYNC, a single
    /// <c>* VANISHED uid-set</c> (RFC 7162 §3.2.10), which replaces EXPUNGE for that session. Returns how many it reported.
    /// </summary>
    public int RemoveAndReport(ImapResponseWriter w, IEnumerable<uint> uids, bool vanished)
    {
        var removed = new List<uint>();
        int reported = 0;
        foreach (uint uid in uids)
        {
            int seq = RemoveLocal(uid);
            if (seq == 0) continue;
            reported++;
            if (vanished) removed.Add(uid);
            else w.Raw("* ").Number(seq).Raw(" EXPUNGE").Crlf();
        }
        if (removed.Count > 0) w.Raw("* VANISHED ").Raw(SequenceSet.Format(removed.Order())).Crlf();
        return reported;
    }

    /// <summary>True when something is waiting to be reported.</summary>
    public bool HasPending => _pendingNew.Count > 0 || _pendingExpunged.Count > 0 || _pendingFlags.Count > 0 || _keywordsToAnnounce;

    /// <summary>
    /// The untagged FLAGS (every system flag and every keyword the client has been or is about to be shown in this
    /// mailbox) and PERMANENTFLAGS responses, as SELECT sends them (RFC 3501 §6.3.1, §7.2.6). PERMANENTFLAGS lists the
    /// keywords of FLAGS too (they can be changed permanently, RFC 3501 §7.1), as Dovecot does: a client (and imaptest's
    /// checker) takes a keyword missing from it for one it may not store.
    /// </summary>
    public void WriteFlagsAndPermanentFlags(ImapResponseWriter w)
    {
        w.Raw("* FLAGS (").Raw(ImapFlags.SystemFlagList);
        foreach (string keyword in _announcedKeywords) w.Sp().Raw(keyword);
        w.Raw(")").Crlf();
        if (ReadOnly)
        {
            w.Untagged(ImapStatus.Ok, ImapResponseCodes.PermanentFlags + " ()", "Flags permitted");
        }
        else
        {
            w.Raw("* OK [").Raw(ImapResponseCodes.PermanentFlags).Raw(" (").Raw(ImapFlags.SystemFlagList);
            foreach (string keyword in _announcedKeywords) w.Sp().Raw(keyword);
            w.Sp().Raw(FlagNames.AnyKeyword).Raw(")] Flags permitted").Crlf();
        }
        _keywordsToAnnounce = false;
    }

    /// <summary>
    /// Announces keywords that reached the view since the last FLAGS response (set by this or another session), before
    /// any FETCH shows them: RFC 3501 §7.2.6 and §7.1 (PERMANENTFLAGS) — a client may not see a keyword in a FETCH
    /// FLAGS that the mailbox's FLAGS response has not listed. Writes nothing when there is none.
    /// </summary>
    public void WriteKeywordAnnouncement(ImapResponseWriter w)
    {
        if (_keywordsToAnnounce) WriteFlagsAndPermanentFlags(w);
    }

    private void TrackKeywords(MessageRecord m)
    {
        foreach (string keyword in m.Keywords)
            if (_announcedKeywords.Add(keyword)) _keywordsToAnnounce = true;
    }

    /// <summary>
    /// Reports only the pending flag changes (FETCH FLAGS, after a FLAGS response for keywords not yet announced), leaving
    /// new messages and expunges pending: what a command may be preceded by without moving sequence numbers, so that its
    /// own answer (a SEARCH, a FETCH) agrees with what the client was told before it (RFC 3501 §7.4.2: FETCH may be sent
    /// unilaterally at any time).
    /// </summary>
    public void WriteFlagUpdates(ImapResponseWriter w, bool condStore)
    {
        if (_pendingFlags.Count == 0) return;
        AnnounceKeywords(w); // one FLAGS response for these and the new messages reported later
        WritePendingFlags(w, condStore);
    }

    /// <summary>A FLAGS response first when the pending flag changes or new messages show keywords not yet announced.</summary>
    private void AnnounceKeywords(ImapResponseWriter w)
    {
        foreach (var (uid, m) in _pendingNew)
            if (uid > LargestUid) TrackKeywords(m);
        WriteKeywordAnnouncement(w);
    }

    /// <summary>"* n FETCH (FLAGS ...)" for each pending flag change of a message still in the view; none stays pending.</summary>
    private void WritePendingFlags(ImapResponseWriter w, bool condStore)
    {
        foreach (uint uid in _pendingFlags.ToList())
        {
            int seq = SeqOf(uid);
            _pendingFlags.Remove(uid);
            if (seq != 0) WriteFlags(w, seq, _records[seq - 1], condStore);
        }
    }

    /// <summary>
    /// Reports pending changes as untagged responses. EXPUNGE only when <paramref name="allowExpunge"/> (not during
    /// FETCH, STORE or SEARCH, RFC 3501 §7.4.1); EXISTS and FETCH FLAGS at any time a command is in progress; a FLAGS
    /// response first when new keywords are about to be shown (<see cref="WriteKeywordAnnouncement"/>). With
    /// <paramref name="condStore"/>, messages that arrived or left are followed by the new HIGHESTMODSEQ
    /// (<see cref="AnnounceModSeq"/>) unless <paramref name="announceModSeq"/> is off (the caller puts it in its tagged response).
    /// </summary>
    public void WriteUpdates(ImapResponseWriter w, bool allowExpunge, bool condStore, bool vanished = false, bool announceModSeq = true)
    {
        AnnounceKeywords(w);
        bool arrivedOrLeft = allowExpunge && RemoveAndReport(w, _pendingExpunged.ToList(), vanished) > 0;
        WritePendingFlags(w, condStore);
        if (_pendingNew.Count > 0)
        {
            var added = new List<uint>();
            foreach (var (uid, m) in _pendingNew)
            {
                if (uid <= LargestUid) continue;
                _uids.Add(uid);
                _records.Add(m);
                added.Add(uid);
            }
            _pendingNew.Clear();
            if (added.Count > 0)
            {
                MarkRecent(added, LargestUid + 1);
                arrivedOrLeft = true;
                w.Raw("* ").Number(_uids.Count).Raw(" EXISTS").Crlf();
                if (ReportsRecent) w.Raw("* ").Number(_recent.Count).Raw(" RECENT").Crlf(); // RFC 3501 §7.3.2: sent with EXISTS when it changes
            }
        }
        if (condStore && announceModSeq && arrivedOrLeft) AnnounceModSeq(w);
    }

    /// <summary>
    /// "* OK [HIGHESTMODSEQ n]" once everything merged has been reported and the value moved past what the client was
    /// last given. New messages and expunges carry no MODSEQ the client could track (flag changes do, in their FETCH), so
    /// without this a CONDSTORE client that saw them would resynchronize from a stale value and take the new messages'
    /// MODSEQs for changes made since (as Dovecot does, after EXISTS and VANISHED).
    /// </summary>
    public void AnnounceModSeq(ImapResponseWriter w)
    {
        if (ReportableModSeq is not { } modSeq || modSeq <= _announcedModSeq) return;
        WriteHighestModSeq(w, modSeq);
    }

    /// <summary>
    /// "* OK [HIGHESTMODSEQ n]" now, with the highest value the client's view is complete up to (changes not yet
    /// reported keep it at what was last announced or selected).
    /// </summary>
    public void AnnounceModSeqNow(ImapResponseWriter w)
    {
        WriteHighestModSeq(w, Math.Max(ReportableModSeq ?? 0, _announcedModSeq));
    }

    private void WriteHighestModSeq(ImapResponseWriter w, ulong modSeq)
    {
        w.Untagged(ImapStatus.Ok, ImapResponseCodes.HighestModSeq + " " + modSeq.ToString(System.Globalization.CultureInfo.InvariantCulture), "Highest");
        _announcedModSeq = modSeq;
    }

    /// <summary>Records that the client was given <paramref name="modSeq"/> in a tagged response code.</summary>
    public void Announced(ulong modSeq) => _announcedModSeq = Math.Max(_announcedModSeq, modSeq);

    /// <summary>"* seq FETCH (FLAGS (...) UID n [MODSEQ (m)])".</summary>
    public void WriteFlags(ImapResponseWriter w, int seq, MessageRecord m, bool condStore)
    {
        w.Raw("* ").Number(seq).Raw(" FETCH (FLAGS ");
        WriteFlagList(w, m);
        w.Raw(" UID ").Number(m.Uid);
        if (condStore) w.Raw(" MODSEQ (").Number(m.ModSeq).Raw(")");
        w.Raw(")").Crlf();
    }

    /// <summary>The flag-list of <paramref name="m"/> as this session sees it (with \Recent when it is recent here).</summary>
    public void WriteFlagList(ImapResponseWriter w, MessageRecord m) => ImapFlags.Write(w, m.Flags, m.Keywords, IsRecent(m.Uid));

    private static bool SameKeywords(IReadOnlyList<string> a, IReadOnlyList<string> b) =>
        a.Count == b.Count && a.All(k => b.Contains(k, StringComparer.OrdinalIgnoreCase));
}
