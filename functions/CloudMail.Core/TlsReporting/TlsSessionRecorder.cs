using CloudMail.Core.Reporting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudMail.Core.TlsReporting;

/// <summary>
/// <see cref="ITlsSessionRecorder"/> over <see cref="ITlsReportStore"/>: one increment per session, on the UTC day of
/// <see cref="TimeProvider"/>; nothing when <see cref="TlsReportingOptions.Enabled"/> is off. A store failure is logged
/// and the count lost: reporting is telemetry about delivery, and delivery must go on without it (deliberately not
/// rethrown; cancellation still propagates).
/// </summary>
public sealed partial class TlsSessionRecorder(ITlsReportStore store, IOptions<TlsReportingOptions> options, TimeProvider time,
    ILogger<TlsSessionRecorder> logger) : ITlsSessionRecorder
{
    public Task RecordAsync(TlsSessionResult session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (!options.Value.Enabled) return Task.CompletedTask;
        return DailyCount.RecordAsync(time, day => store.RecordAsync(day, session, cancellationToken),
            reason => LogLost(session.Policy.PolicyDomain, session.Failure?.ResultType ?? "success", reason));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "TLS report count for {Domain} ({Result}) lost: {Reason}")]
    private partial void LogLost(string domain, string result, string reason);
}
