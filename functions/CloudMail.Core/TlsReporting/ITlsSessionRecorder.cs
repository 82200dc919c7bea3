namespace CloudMail.Core.TlsReporting;

/// <summary>
/// Where the outbound transport reports the TLS outcome of each session with a recipient domain's MX host, for the
/// daily aggregate reports (RFC 8460). Implementations never throw for storage trouble: a lost count must never fail
/// or delay a delivery more than one write.
/// </summary>
public interface ITlsSessionRecorder
{
    /// <summary>Counts <paramref name="session"/> for the current UTC day.</summary>
    Task RecordAsync(TlsSessionResult session, CancellationToken cancellationToken);
}
