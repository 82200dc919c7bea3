using Microsoft.Extensions.Logging;

namespace CloudMail.Core.Pipeline;

/// <summary>
/// The <see cref="IIntakeLedger"/> a host gets when its storage backend registers none: records nothing, finds nothing,
/// and says so in the log once per process, so a missing safety net is visible rather than silent.
/// </summary>
public sealed partial class DisabledIntakeLedger(ILogger<DisabledIntakeLedger> logger) : IIntakeLedger
{
    private int _warned;

    public Task RecordAsync(IntakeMarker marker, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<IReadOnlyList<IntakeMarker>> ListRecordedBeforeAsync(DateTimeOffset cutoff, int max, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _warned, 1) == 0) LogDisabled();
        return Task.FromResult<IReadOnlyList<IntakeMarker>>([]);
    }

    public Task RemoveAsync(string messageId, CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "No intake ledger is registered by the storage backend: stuck-intake recovery is off")]
    private partial void LogDisabled();
}
