using System.Globalization;
using CloudMail.Core.Mailboxes;
using CloudMail.Protocols.Imap.Model;

namespace CloudMail.Listener.Imap.Mailboxes;

/// <summary>
/// The UIDs a QRESYNC client must be told vanished (RFC 7162 §3.2.5.2, §3.2.6): those the expunge log lists since the
/// client's MODSEQ, within the UIDs it asked about. When the log no longer reaches back that far
/// (<see cref="MailboxChanges.Complete"/> false, and then <see cref="MailboxChanges.Changed"/> holds every message), every
/// UID it asked about that is not in the mailbox now (the RFC's fallback: a UID reported vanished that the client never
/// had is harmless, a missed one is not). The mailbox as stored decides, not a session's view of it. Pure.
/// </summary>
internal static class VanishedUids
{
    /// <summary>The vanished set in wire form ("3:5,9"), or null when none vanished.</summary>
    /// <param name="changes">The mailbox's changes since the client's MODSEQ.</param>
    /// <param name="asked">The UIDs the client asked about (known-uids, or the UID FETCH set); null: all.</param>
    /// <param name="largest">What "*" in <paramref name="asked"/> means (the largest UID in use), and the top of the range otherwise.</param>
    public static string? Format(MailboxChanges changes, SequenceSet? asked, uint largest)
    {
        if (changes.Complete)
        {
            var gone = changes.Expunged.Where(u => asked is null || asked.Contains(u, largest)).Distinct().Order().ToList();
            return gone.Count == 0 ? null : SequenceSet.Format(gone);
        }
        var present = changes.Changed.Select(m => m.Uid).Order().ToList();
        var ranges = asked is null ? [(1u, largest)] : asked.Ranges.Select(r => r.Resolve(largest)).ToList();
        var parts = new List<string>();
        foreach (var (low, high) in Merge(ranges))
        {
            uint start = low;
            foreach (uint uid in present.Where(u => u >= low && u <= high))
            {
                if (uid > start) parts.Add(Range(start, uid - 1));
                start = uid + 1;
            }
            if (start <= high && start != 0) parts.Add(Range(start, high));
        }
        return parts.Count == 0 ? null : string.Join(',', parts);
    }

    private static IEnumerable<(uint Low, uint High)> Merge(IEnumerable<(uint Low, uint High)> ranges)
    {
        (uint Low, uint High)? current = null;
        foreach (var r in ranges.Where(r => r.High >= 1).Select(r => (Math.Max(r.Low, 1u), r.High)).OrderBy(r => r.Item1))
        {
            if (current is { } c && r.Item1 <= (ulong)c.High + 1) current = (c.Low, Math.Max(c.High, r.High));
            else
            {
                if (current is { } done) yield return done;
                current = r;
            }
        }
        if (current is { } last) yield return last;
    }

    private static string Range(uint low, uint high) => low == high
        ? low.ToString(CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"{low}:{high}");
}
