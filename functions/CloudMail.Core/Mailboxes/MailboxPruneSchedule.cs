using System.Collections.Concurrent;

namespace CloudMail.Core.Mailboxes;

/// <summary>
/// When an index prunes an account (<see cref="IMailboxIndex.PruneAsync"/>): on a write that grows a log (expunge, or
/// append with an idempotency key), at most once per <see cref="MailboxIndexOptions.PruneInterval"/> per account and
/// process. In memory: a restarted process prunes each account on its first such write. Thread-safe.
/// </summary>
public sealed class MailboxPruneSchedule(MailboxIndexOptions options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastPruned = new(StringComparer.Ordinal);

    /// <summary>
    /// The cut-offs to prune <paramref name="account"/> with now, or null when it was pruned less than
    /// <see cref="MailboxIndexOptions.PruneInterval"/> ago. A non-null answer counts as a prune started.
    /// </summary>
    public PruneCutoffs? TakeDue(string account)
    {
        DateTimeOffset now = time.GetUtcNow();
        while (true)
        {
            if (!_lastPruned.TryGetValue(account, out DateTimeOffset last))
            {
                if (_lastPruned.TryAdd(account, now)) return Cutoffs(now);
                continue;
            }
            if (now - last < options.PruneInterval) return null;
            if (_lastPruned.TryUpdate(account, now, last)) return Cutoffs(now);
        }
    }

    /// <summary>Forgets that <paramref name="account"/> was pruned (the prune failed: try again on the next write).</summary>
    public void Forget(string account) => _lastPruned.TryRemove(account, out _);

    private PruneCutoffs Cutoffs(DateTimeOffset now) => new(now - options.ExpungeLogRetention, now - options.AppendKeyRetention);
}

/// <summary>What <see cref="IMailboxIndex.PruneAsync"/> forgets: expunge-log entries and append keys recorded before these times.</summary>
public sealed record PruneCutoffs(DateTimeOffset ExpungedBefore, DateTimeOffset AppendKeysBefore);

/// <summary>How many expunge-log entries and append keys a prune removed.</summary>
public sealed record PruneResult(int ExpungeEntries, int AppendKeys);
