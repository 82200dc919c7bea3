using CloudMail.Core.Reporting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudMail.Core.DmarcReporting;

/// <summary>
/// Where the inbound authentication check reports each DMARC-evaluated message, for the daily aggregate reports
/// (RFC 7489 §7.2). Implementations never throw for storage trouble: a lost count must never fail or delay a message
/// more than one write.
/// </summary>
public interface IDmarcReportRecorder
{
    /// <summary>Counts <paramref name="result"/> for the current UTC day.</summary>
    Task RecordAsync(DmarcMessageResult result, CancellationToken cancellationToken);
}

/// <summary>
/// <see cref="IDmarcReportRecorder"/> over <see cref="IDmarcReportStore"/>: one increment per message, on the UTC day of
/// <see cref="TimeProvider"/>; nothing when <see cref="DmarcReportingOptions.Enabled"/> is off. A store failure is logged
/// and the count lost: reporting is telemetry, and accepting mail must go on without it (deliberately not rethrown;
/// cancellation still propagates).
/// </summary>
public sealed partial class DmarcReportRecorder(IDmarcReportStore store, IOptions<DmarcReportingOptions> options, TimeProvider time,
    ILogger<DmarcReportRecorder> logger) : IDmarcReportRecorder
{
    public Task RecordAsync(DmarcMessageResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (!options.Value.Enabled) return Task.CompletedTask;
        return DailyCount.RecordAsync(time, day => store.RecordAsync(day, result, cancellationToken), reason => LogLost(result.PolicyDomain, reason));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "DMARC report count for {Domain} lost: {Reason}")]
    private partial void LogLost(string domain, string reason);
}
