using System.Text.RegularExpressions;

namespace CloudMail.Listener.Tests.Imap.Concurrency;

/// <summary>
/// One client's model of its selected mailbox, kept only from what the server told that client (untagged EXISTS,
/// EXPUNGE, FETCH, FLAGS). Every response line is checked against the model and against the RFC 3501 rules for
/// when a server may send it; a divergence or a violation is recorded, never thrown, so one run reports all of them.
/// </summary>
/// <remarks>
/// With a <see cref="MailboxLedger"/> shared by the sessions it also checks what imaptest's tracker checks across them:
/// one \Recent holder per message, and RFC822.SIZE, INTERNALDATE and ENVELOPE the same everywhere. Within the session:
/// PERMANENTFLAGS lists the keywords of FLAGS, FLAGS never drops a keyword a known message still has, and a message's
/// MODSEQ never goes down.
/// </remarks>
public sealed partial class ImapClientModel(string name, MailboxLedger? ledger = null)
{
    private readonly List<uint> _uids = [];
    private readonly Dictionary<uint, HashSet<string>> _flags = [];
    private readonly Dictionary<uint, ulong> _modSeqs = [];
    private HashSet<string> _announced = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>What went wrong, in the order seen (empty when the server kept every rule).</summary>
    public List<string> Violations { get; } = [];

    /// <summary>
    /// QRESYNC is enabled (RFC 7162 §3.2.10): expunges come as VANISHED (by UID, with EXPUNGE's timing rules) and every
    /// FETCH must carry the UID (imaptest's checker disconnects otherwise).
    /// </summary>
    public bool QResync { get; set; }

    /// <summary>Messages reported gone by VANISHED (a QRESYNC run that saw none proves nothing about it).</summary>
    public int Vanished { get; private set; }

    /// <summary>Messages this client believes are in the mailbox.</summary>
    public int Count => _uids.Count;

    /// <summary>UID at sequence number <paramref name="seq"/> (1-based); 0 while the server has not told it yet.</summary>
    public uint UidAt(int seq) => _uids[seq - 1];

    /// <summary>The model's sequence → UID list (0 for a message whose UID the client has not learned).</summary>
    public IReadOnlyList<uint> Uids => _uids;

    /// <summary>Flags the client last saw for <paramref name="uid"/>, or null when it never saw them.</summary>
    public IReadOnlySet<string>? FlagsOf(uint uid) => _flags.GetValueOrDefault(uid);

    /// <summary>
    /// Applies the untagged responses of one command. <paramref name="command"/> is the command line sent; it decides
    /// whether EXPUNGE may appear (RFC 3501 §7.4.1: not during FETCH, STORE or SEARCH by sequence number, since the
    /// client's numbers would shift under it).
    /// </summary>
    public void Apply(string command, IEnumerable<string> lines)
    {
        bool expungeForbidden = ForbidsExpunge(command);
        foreach (string line in lines)
        {
            if (!line.StartsWith("* ", StringComparison.Ordinal)) continue;
            if (Exists().Match(line) is { Success: true } exists) OnExists(line, int.Parse(exists.Groups[1].Value));
            else if (Expunge().Match(line) is { Success: true } expunge)
            {
                if (expungeForbidden) Fail($"EXPUNGE during '{command}' (RFC 3501 §7.4.1): {line}");
                OnExpunge(line, int.Parse(expunge.Groups[1].Value));
            }
            else if (Fetch().Match(line) is { Success: true } fetch) OnFetch(line, int.Parse(fetch.Groups[1].Value));
            else if (FlagsLine().Match(line) is { Success: true } flags) OnFlags(line, ParseFlags(flags.Groups[1].Value));
            else if (PermanentFlags().Match(line) is { Success: true } permanent) OnPermanentFlags(line, ParseFlags(permanent.Groups[1].Value));
            else if (line.StartsWith("* VANISHED (EARLIER)", StringComparison.Ordinal)) continue; // only asked for by UID FETCH/SELECT
            else if (line.StartsWith("* VANISHED ", StringComparison.Ordinal))
            {
                if (!QResync) Fail($"VANISHED without QRESYNC: {line}");
                else if (expungeForbidden) Fail($"VANISHED during '{command}' (RFC 7162 §3.2.10, RFC 3501 §7.4.1): {line}");
                OnVanished(line, line["* VANISHED ".Length..]);
            }
        }
    }

    private static bool ForbidsExpunge(string command)
    {
        string[] words = command.Split(' ', 3);
        if (words.Length < 2) return false;
        string verb = words[1].ToUpperInvariant();
        return verb is "FETCH" or "STORE" or "SEARCH";
    }

    private void OnFlags(string line, HashSet<string> announced)
    {
        foreach (var (uid, flags) in _flags)
        {
            foreach (string keyword in flags.Where(f => !f.StartsWith('\\') && !announced.Contains(f)))
                Fail($"FLAGS drops keyword {keyword}, which UID {uid} still has: {line}");
        }
        _announced = announced;
    }

    private void OnPermanentFlags(string line, HashSet<string> permanent)
    {
        if (permanent.Count == 0) return; // read-only: nothing may be changed
        foreach (string keyword in _announced.Where(f => !f.StartsWith('\\') && !permanent.Contains(f)))
            Fail($"PERMANENTFLAGS leaves out keyword {keyword} of FLAGS: {line}");
        foreach (string keyword in permanent.Where(f => !f.StartsWith('\\') && !_announced.Contains(f)))
            Fail($"PERMANENTFLAGS keyword {keyword} not in FLAGS: {line}");
    }

    private void OnVanished(string line, string set)
    {
        foreach (string item in set.Split(','))
        {
            string[] ends = item.Split(':');
            if (ends.Length is < 1 or > 2 || !uint.TryParse(ends[0], out uint from) || !uint.TryParse(ends[^1], out uint to))
            {
                Fail($"VANISHED with a malformed set: {line}");
                return;
            }
            for (uint uid = Math.Min(from, to); uid <= Math.Max(from, to) && uid != 0; uid++) Vanish(line, uid);
        }
    }

    /// <summary>
    /// Removes <paramref name="uid"/>: its own slot when the client learned it, otherwise a not-yet-learned slot where
    /// that UID must sit (between the known UIDs below and above it); nowhere to put it is a violation.
    /// </summary>
    private void Vanish(string line, uint uid)
    {
        int at = _uids.IndexOf(uid);
        if (at < 0)
        {
            for (int i = 0; i < _uids.Count && at < 0; i++)
            {
                if (_uids[i] != 0) continue;
                uint below = _uids.Take(i).Where(u => u != 0).DefaultIfEmpty(0u).Max();
                uint above = _uids.Skip(i + 1).Where(u => u != 0).DefaultIfEmpty(uint.MaxValue).Min();
                if (below < uid && uid < above) at = i;
            }
        }
        if (at < 0)
        {
            Fail($"VANISHED UID {uid} is not in the mailbox as this client knows it: {line}");
            return;
        }
        _flags.Remove(uid);
        _uids.RemoveAt(at);
        Vanished++;
    }

    private void OnExists(string line, int n)
    {
        if (n < _uids.Count) Fail($"EXISTS {n} below the {_uids.Count} messages known without EXPUNGE: {line}");
        while (_uids.Count < n) _uids.Add(0);
    }

    private void OnExpunge(string line, int seq)
    {
        if (seq < 1 || seq > _uids.Count) { Fail($"EXPUNGE {seq} outside 1..{_uids.Count}: {line}"); return; }
        _flags.Remove(_uids[seq - 1]);
        _uids.RemoveAt(seq - 1);
    }

    private void OnFetch(string line, int seq)
    {
        if (seq < 1 || seq > _uids.Count) { Fail($"FETCH for {seq} outside 1..{_uids.Count}: {line}"); return; }
        var uid = Uid().Match(line);
        if (QResync && !uid.Success) Fail($"FETCH without UID while QRESYNC is enabled: {line}");
        uint known = _uids[seq - 1];
        uint said = uid.Success ? uint.Parse(uid.Groups[1].Value) : known;
        if (known != 0 && said != known) Fail($"FETCH says UID {said} at {seq}, the model has {known}: {line}");
        if (known == 0 && said != 0)
        {
            if (seq > 1 && _uids[seq - 2] >= said) Fail($"UID {said} at {seq} not above UID {_uids[seq - 2]} before it: {line}");
            if (seq < _uids.Count && _uids[seq] != 0 && _uids[seq] <= said) Fail($"UID {said} at {seq} not below UID {_uids[seq]} after it: {line}");
            _uids[seq - 1] = said;
        }
        if (said != 0) CheckItems(line, said);
        var flags = FetchFlags().Match(line);
        if (!flags.Success || said == 0) return;
        var set = ParseFlags(flags.Groups[1].Value);
        foreach (string flag in set)
        {
            // RFC 3501 §7.2.6: a keyword must be announced in FLAGS before a FETCH uses it.
            if (!flag.StartsWith('\\') && !_announced.Contains(flag)) Fail($"keyword {flag} in FETCH before untagged FLAGS announced it: {line}");
        }
        if (set.Contains("\\Recent") && ledger?.OtherRecentHolder(said, name) is { } other)
            Fail($"UID {said} is \\Recent here and in {other} (RFC 3501 §2.3.2): {line}");
        _flags[said] = set;
    }

    /// <summary>Immutable items against the ledger; MODSEQ against this session's last value.</summary>
    private void CheckItems(string line, uint uid)
    {
        if (ModSeq().Match(line) is { Success: true } modSeq)
        {
            ulong value = ulong.Parse(modSeq.Groups[1].Value);
            if (value == 0) Fail($"MODSEQ 0 for UID {uid}: {line}");
            if (_modSeqs.TryGetValue(uid, out ulong before) && value < before) Fail($"MODSEQ of UID {uid} went down {before} → {value}: {line}");
            _modSeqs[uid] = value;
        }
        if (ledger is null) return;
        foreach (var (item, match) in new[] { ("RFC822.SIZE", Size().Match(line)), ("INTERNALDATE", InternalDate().Match(line)), ("ENVELOPE", Envelope().Match(line)) })
        {
            if (match.Success && ledger.Disagreement(uid, item, match.Groups[1].Value) is { } first)
                Fail($"UID {uid} {item} changed: {first} → {match.Groups[1].Value}");
        }
    }

    private static HashSet<string> ParseFlags(string text) =>
        new(text.Split(' ', StringSplitOptions.RemoveEmptyEntries), StringComparer.OrdinalIgnoreCase);

    private void Fail(string message) => Violations.Add($"{name}: {message}");

    [GeneratedRegex(@"^\* (\d+) EXISTS$")]
    private static partial Regex Exists();

    [GeneratedRegex(@"^\* (\d+) EXPUNGE$")]
    private static partial Regex Expunge();

    [GeneratedRegex(@"^\* (\d+) FETCH \(")]
    private static partial Regex Fetch();

    [GeneratedRegex(@"\bUID (\d+)")]
    private static partial Regex Uid();

    [GeneratedRegex(@"\bFLAGS \(([^)]*)\)")]
    private static partial Regex FetchFlags();

    [GeneratedRegex(@"^\* FLAGS \(([^)]*)\)$")]
    private static partial Regex FlagsLine();

    [GeneratedRegex(@"^\* OK \[PERMANENTFLAGS \(([^)]*)\)\]")]
    private static partial Regex PermanentFlags();

    [GeneratedRegex(@"\bMODSEQ \((\d+)\)")]
    private static partial Regex ModSeq();

    [GeneratedRegex(@"\bRFC822\.SIZE (\d+)")]
    private static partial Regex Size();

    [GeneratedRegex(@"\bINTERNALDATE ""([^""]*)""")]
    private static partial Regex InternalDate();

    /// <summary>ENVELOPE up to the next top-level item (the actors fetch it last, so to the end of the line).</summary>
    [GeneratedRegex(@"\bENVELOPE (\(.*\))\)$")]
    private static partial Regex Envelope();
}
