using System.Text.RegularExpressions;

namespace CloudMail.Listener.Tests.Imap.Concurrency;

/// <summary>
/// One client's model of its selected mailbox, kept only from what the server told that client (untagged EXISTS,
/// EXPUNGE, FETCH, FLAGS). Every response line is checked against the model and against the RFC 3501 rules for
/// when a server may send it; a divergence or a violation is recorded, never thrown, so one run reports all of them.
/// </summary>
public sealed partial class ImapClientModel(string name)
{
    private readonly List<uint> _uids = [];
    private readonly Dictionary<uint, HashSet<string>> _flags = [];
    private HashSet<string> _announced = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>What went wrong, in the order seen (empty when the server kept every rule).</summary>
    public List<string> Violations { get; } = [];

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
            else if (FlagsLine().Match(line) is { Success: true } flags) _announced = ParseFlags(flags.Groups[1].Value);
            else if (line.StartsWith("* VANISHED", StringComparison.Ordinal)) Fail($"VANISHED without QRESYNC: {line}");
        }
    }

    private static bool ForbidsExpunge(string command)
    {
        string[] words = command.Split(' ', 3);
        if (words.Length < 2) return false;
        string verb = words[1].ToUpperInvariant();
        return verb is "FETCH" or "STORE" or "SEARCH";
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
        uint known = _uids[seq - 1];
        uint said = uid.Success ? uint.Parse(uid.Groups[1].Value) : known;
        if (known != 0 && said != known) Fail($"FETCH says UID {said} at {seq}, the model has {known}: {line}");
        if (known == 0 && said != 0)
        {
            if (seq > 1 && _uids[seq - 2] >= said) Fail($"UID {said} at {seq} not above UID {_uids[seq - 2]} before it: {line}");
            if (seq < _uids.Count && _uids[seq] != 0 && _uids[seq] <= said) Fail($"UID {said} at {seq} not below UID {_uids[seq]} after it: {line}");
            _uids[seq - 1] = said;
        }
        var flags = FetchFlags().Match(line);
        if (!flags.Success || said == 0) return;
        var set = ParseFlags(flags.Groups[1].Value);
        foreach (string flag in set)
        {
            // RFC 3501 §7.2.6: a keyword must be announced in FLAGS before a FETCH uses it.
            if (!flag.StartsWith('\\') && !_announced.Contains(flag)) Fail($"keyword {flag} in FETCH before untagged FLAGS announced it: {line}");
        }
        _flags[said] = set;
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
}
