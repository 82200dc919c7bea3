namespace CloudMail.Core.Mailboxes;

/// <summary>
/// Section <c>CloudMail:MailboxIndex</c>: how long the mailbox index keeps its logs, in both backends. The expunge log
/// answers "which UIDs vanished since MODSEQ n" (RFC 7162 §3.2.5.2, §3.2.10); append idempotency keys let a redelivered
/// job append once. Both would grow forever, so each account's old entries are pruned on its next write after
/// <see cref="PruneInterval"/> (see <see cref="MailboxPruneSchedule"/>).
/// </summary>
public sealed class MailboxIndexOptions
{
    public const string Section = "CloudMail:MailboxIndex";

    /// <summary>
    /// Expunge-log entries older than this are forgotten. A client resynchronizing from a MODSEQ older than the
    /// oldest forgotten entry is told that every message it knows may have changed (every live message is reported
    /// and every other UID counts as expunged), never given a wrong, short answer.
    /// </summary>
    public TimeSpan ExpungeLogRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// Append idempotency keys (the job's message id) older than this are forgotten. Must exceed the longest time a
    /// pipeline job can still be retried or requeued (see <c>CloudMail:Pipeline</c> retries and the stuck-intake sweep);
    /// a dead-lettered job replayed later than this may append a second copy for recipients it had already reached.
    /// </summary>
    public TimeSpan AppendKeyRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Least time between two prunes of one account by one process.</summary>
    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The problems with these values (empty when valid).</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (ExpungeLogRetention <= TimeSpan.Zero) problems.Add($"{Section}:ExpungeLogRetention must be positive");
        if (AppendKeyRetention < TimeSpan.FromHours(1)) problems.Add($"{Section}:AppendKeyRetention must be at least one hour");
        if (PruneInterval <= TimeSpan.Zero) problems.Add($"{Section}:PruneInterval must be positive");
        return problems;
    }
}
