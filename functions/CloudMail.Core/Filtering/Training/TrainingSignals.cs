using CloudMail.Core.Mailboxes;

namespace CloudMail.Core.Filtering.Training;

/// <summary>Which filings are training signals, and how often teaching one is tried. Pure.</summary>
public static class TrainingSignals
{
    /// <summary>Attempts before a signal the scorer keeps failing is given up (<see cref="TrainingState.Failed"/>).</summary>
    public const int MaxAttempts = 6;

    /// <summary>
    /// What filing a message from a mailbox of <paramref name="source"/> use into one of <paramref name="destination"/>
    /// use says: into Junk from anywhere else is spam; out of Junk into anything but Trash is ham (deleting spam is
    /// not saying it is good); everything else says nothing (null). An APPEND has <see cref="SpecialUse.None"/> as source.
    /// </summary>
    public static TrainingKind? Classify(SpecialUse source, SpecialUse destination) => (source, destination) switch
    {
        (SpecialUse.Junk, SpecialUse.Junk) => null,
        (_, SpecialUse.Junk) => TrainingKind.Spam,
        (SpecialUse.Junk, SpecialUse.Trash) => null,
        (SpecialUse.Junk, _) => TrainingKind.Ham,
        _ => null,
    };

    /// <summary>The wait after failed attempt <paramref name="attempt"/> (1-based): 1, 5, 30 minutes, then 2 hours.</summary>
    public static TimeSpan RetryDelay(int attempt) => attempt switch
    {
        <= 1 => TimeSpan.FromMinutes(1),
        2 => TimeSpan.FromMinutes(5),
        3 => TimeSpan.FromMinutes(30),
        _ => TimeSpan.FromHours(2),
    };
}
