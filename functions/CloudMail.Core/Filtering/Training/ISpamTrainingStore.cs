namespace CloudMail.Core.Filtering.Training;

/// <summary>
/// The training signals users give by filing mail in and out of Junk over IMAP (<see cref="SpamTrainingRecorder"/>), kept
/// so an administrator can see them (<c>cloudmail spam training list</c>) and so the learner can teach them to rspamd,
/// retrying after failures. Embedded: table <c>spam_training</c> of mail.db. Azure: a Table, partition = account.
/// </summary>
public interface ISpamTrainingStore
{
    /// <summary>Stores a new signal; recording the same (account, id) again changes nothing.</summary>
    Task RecordAsync(TrainingSignal signal, CancellationToken cancellationToken);

    /// <summary>
    /// The newest <paramref name="limit"/> signals of <paramref name="account"/> (every account when null), newest first
    /// (ties by id). An admin operation: without an account it may scan.
    /// </summary>
    Task<IReadOnlyList<TrainingSignal>> ListAsync(string? account, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Up to <paramref name="limit"/> <see cref="TrainingState.Pending"/> signals due by <paramref name="now"/>
    /// (<see cref="TrainingSignal.DueAt"/>), the longest due first. May scan: the table holds what users file by hand.
    /// </summary>
    Task<IReadOnlyList<TrainingSignal>> ListDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken);

    /// <summary>Saves the teaching columns (state, attempts, next attempt, last error) of a recorded signal.</summary>
    Task UpdateAsync(TrainingSignal signal, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the signals recorded before <paramref name="before"/> that are done with (<see cref="TrainingState.Learned"/>
    /// or <see cref="TrainingState.Failed"/>; a pending one stays whatever its age) and returns how many. May scan.
    /// </summary>
    Task<int> ForgetSettledBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken);
}
