namespace CloudMail.Core.Filtering.Training;

/// <summary>What a user said of a message by filing it: spam (moved into Junk) or ham (moved out of Junk).</summary>
public enum TrainingKind
{
    Spam,
    Ham,
}

/// <summary>Where a signal is in being taught to the spam scorer (rspamd's controller).</summary>
public enum TrainingState
{
    /// <summary>Not taught yet: waiting for its next attempt, or for a scorer to be configured.</summary>
    Pending,

    /// <summary>The scorer learned it (or answered that it had learned that message already).</summary>
    Learned,

    /// <summary>Given up: the scorer refused it, the message is no longer stored, or every attempt failed.</summary>
    Failed,
}

/// <summary>
/// One training signal: <paramref name="Account"/> filed the message stored as <paramref name="BlobId"/> from
/// <paramref name="Source"/> into <paramref name="Destination"/> (<c>(append)</c> as source for an IMAP APPEND) at
/// <paramref name="RecordedAt"/>, which says <paramref name="Kind"/>. <paramref name="Attempts"/>,
/// <paramref name="NextAttemptAt"/> and <paramref name="LastError"/> track the teaching (<see cref="TrainingState"/>).
/// Keyed by <paramref name="Id"/>, unique per account.
/// </summary>
public sealed record TrainingSignal(
    string Id,
    string Account,
    TrainingKind Kind,
    string BlobId,
    string Source,
    string Destination,
    DateTimeOffset RecordedAt,
    TrainingState State = TrainingState.Pending,
    int Attempts = 0,
    DateTimeOffset? NextAttemptAt = null,
    string? LastError = null)
{
    /// <summary>The source of a signal recorded for an IMAP APPEND (no folder of the account).</summary>
    public const string AppendSource = "(append)";

    /// <summary>When the learner may next try it: <see cref="NextAttemptAt"/>, or at once.</summary>
    public DateTimeOffset DueAt => NextAttemptAt ?? RecordedAt;
}
