using CloudMail.Core.Mailboxes;
using CloudMail.Core.Pipeline;
using Microsoft.Extensions.Logging;

namespace CloudMail.Core.Filtering.Training;

/// <summary>
/// Records the training signals of an IMAP COPY, MOVE or APPEND (<see cref="TrainingSignals.Classify"/>) and wakes the
/// learner (<see cref="Learned"/>). Never throws for a store failure and never waits for the scorer: a user's filing must
/// not fail or stall because the training record could not be written (it is logged and lost; the message itself moved).
/// </summary>
public sealed partial class SpamTrainingRecorder(ISpamTrainingStore store, TimeProvider time, ILogger<SpamTrainingRecorder> logger)
{
    /// <summary>Pulsed after signals were recorded, for the learner that teaches them.</summary>
    public PipelineSignal Learned { get; } = new();

    /// <summary>
    /// Records one signal per blob in <paramref name="blobIds"/> when filing from <paramref name="source"/> into
    /// <paramref name="destination"/> is one (null source: an APPEND); returns how many were recorded.
    /// </summary>
    public async Task<int> RecordAsync(string account, MailboxInfo? source, MailboxInfo destination, IReadOnlyCollection<string> blobIds,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(blobIds);
        if (TrainingSignals.Classify(source?.SpecialUse ?? SpecialUse.None, destination.SpecialUse) is not { } kind || blobIds.Count == 0) return 0;
        var at = time.GetUtcNow();
        int recorded = 0;
        try
        {
            foreach (string blobId in blobIds)
            {
                await store.RecordAsync(new TrainingSignal(Guid.NewGuid().ToString("N"), account, kind, blobId,
                    source?.Name ?? TrainingSignal.AppendSource, destination.Name, at), cancellationToken).ConfigureAwait(false);
                recorded++;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogRecordFailed(account, kind, e);
        }
        if (recorded > 0)
        {
            LogRecorded(account, recorded, kind, source?.Name ?? TrainingSignal.AppendSource, destination.Name);
            Learned.Pulse();
        }
        return recorded;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Spam training: {Account} filed {Count} message(s) as {Kind} ({Source} -> {Destination})")]
    private partial void LogRecorded(string account, int count, TrainingKind kind, string source, string destination);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Spam training: could not record the {Kind} signal of {Account}; the filing itself stands")]
    private partial void LogRecordFailed(string account, TrainingKind kind, Exception exception);
}
