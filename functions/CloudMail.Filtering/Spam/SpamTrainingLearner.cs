using CloudMail.Core.Blobs;
using CloudMail.Core.Filtering.Training;
using Microsoft.Extensions.Logging;

namespace CloudMail.Filtering.Spam;

/// <summary>
/// Teaches the recorded training signals (<see cref="ISpamTrainingStore"/>) to rspamd's controller: each due
/// <see cref="TrainingState.Pending"/> signal's message is read from the blob store and posted to <c>/learnspam</c> or
/// <c>/learnham</c>. Learned (or known to rspamd already): <see cref="TrainingState.Learned"/>. Refused by rspamd, or the
/// message no longer stored (expunged everywhere and reclaimed): <see cref="TrainingState.Failed"/>, logged. rspamd
/// unavailable: tried again after <see cref="TrainingSignals.RetryDelay"/>, given up (Failed, logged as an error) after
/// <see cref="TrainingSignals.MaxAttempts"/>. Runs outside any IMAP command (the listener's background service), so a slow
/// or absent rspamd never holds a user up. Does nothing without <see cref="RspamdOptions.ControllerUrl"/>: signals stay
/// Pending and are taught once a controller is configured.
/// </summary>
public sealed partial class SpamTrainingLearner(ISpamTrainingStore store, IMessageBlobStore blobs, RspamdClient? rspamd, TimeProvider time,
    ILogger<SpamTrainingLearner> logger)
{
    /// <summary>Most signals taught per <see cref="LearnDueAsync"/>.</summary>
    public const int BatchSize = 50;

    /// <summary>A controller is configured: there is something to teach to.</summary>
    public bool Enabled => rspamd is not null;

    /// <summary>Teaches up to <see cref="BatchSize"/> due signals, one after the other; returns how many were tried.</summary>
    public async Task<int> LearnDueAsync(CancellationToken cancellationToken)
    {
        if (rspamd is null) return 0;
        var due = await store.ListDueAsync(time.GetUtcNow(), BatchSize, cancellationToken).ConfigureAwait(false);
        foreach (var signal in due) await LearnAsync(rspamd, signal, cancellationToken).ConfigureAwait(false);
        return due.Count;
    }

    private async Task LearnAsync(RspamdClient client, TrainingSignal signal, CancellationToken cancellationToken)
    {
        RspamdLearnOutcome outcome;
        string detail;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            timeout.CancelAfter(client.Options.LearnTimeout);
            try
            {
                await using var content = await blobs.OpenReadAsync(signal.BlobId, timeout.Token).ConfigureAwait(false);
                (outcome, detail) = await client.LearnAsync(signal.Kind, content, timeout.Token).ConfigureAwait(false);
            }
            catch (BlobNotFoundException)
            {
                (outcome, detail) = (RspamdLearnOutcome.Refused, "the message is no longer stored");
            }
            catch (Exception e) when (e is HttpRequestException or IOException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                (outcome, detail) = (RspamdLearnOutcome.Unavailable, e is OperationCanceledException ? "timed out" : e.Message);
            }
        }
        int attempts = signal.Attempts + 1;
        TrainingSignal updated;
        switch (outcome)
        {
            case RspamdLearnOutcome.Learned:
                updated = signal with { State = TrainingState.Learned, Attempts = attempts, NextAttemptAt = null, LastError = null };
                LogLearned(signal.Account, signal.Kind, signal.Id, detail);
                break;
            case RspamdLearnOutcome.Unavailable when attempts < TrainingSignals.MaxAttempts:
                var retry = TrainingSignals.RetryDelay(attempts);
                updated = signal with { Attempts = attempts, NextAttemptAt = time.GetUtcNow() + retry, LastError = detail };
                LogRetry(signal.Kind, signal.Id, detail, retry);
                break;
            default:
                updated = signal with { State = TrainingState.Failed, Attempts = attempts, NextAttemptAt = null, LastError = detail };
                LogGivenUp(signal.Kind, signal.Id, signal.Account, attempts, detail);
                break;
        }
        await store.UpdateAsync(updated, cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Spam training: rspamd learned {Kind} signal {Id} of {Account} ({Detail})")]
    private partial void LogLearned(string account, TrainingKind kind, string id, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Spam training: rspamd could not learn {Kind} signal {Id} ({Detail}); trying again in {Retry}")]
    private partial void LogRetry(TrainingKind kind, string id, string detail, TimeSpan retry);

    [LoggerMessage(Level = LogLevel.Error, Message = "Spam training: gave up teaching {Kind} signal {Id} of {Account} to rspamd after {Attempts} attempt(s): {Detail}")]
    private partial void LogGivenUp(TrainingKind kind, string id, string account, int attempts, string detail);
}
