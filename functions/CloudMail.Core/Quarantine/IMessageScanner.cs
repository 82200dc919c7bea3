namespace CloudMail.Core.Quarantine;

/// <summary>
/// The virus scan the inbound stage runs on messages accepted unscanned (<see cref="Messages.Envelope.ScanPending"/>).
/// Implemented in CloudMail.Filtering with clamd (registered when <c>CloudMail:Antivirus:Clamd</c> is set). Never
/// throws for message content or for the scanner being unreachable: that is <see cref="ScanResult.Unavailable"/>.
/// </summary>
public interface IMessageScanner
{
    /// <summary>Scans the message <paramref name="open"/> reads from the start.</summary>
    Task<ScanResult> ScanAsync(Func<CancellationToken, Task<Stream>> open, CancellationToken cancellationToken);
}

/// <summary>What a scan found.</summary>
public abstract record ScanResult
{
    private ScanResult()
    {
    }

    /// <summary>No signature matched.</summary>
    public sealed record Clean : ScanResult;

    /// <summary>A signature matched: its name.</summary>
    public sealed record Infected(string Signature) : ScanResult;

    /// <summary>The scanner could not scan now (unreachable, timed out, failed): try again later.</summary>
    public sealed record Unavailable(string Reason) : ScanResult;

    /// <summary>Policy says not to scan it (too large) and to deliver it marked as such.</summary>
    public sealed record NotScanned(string Reason) : ScanResult;
}

/// <summary>No scanner configured: <see cref="PipelineVirusCheck"/> routes messages unscanned, as it does without any scanner.</summary>
public sealed class NoMessageScanner : IMessageScanner
{
    public static NoMessageScanner Instance { get; } = new();

    private NoMessageScanner()
    {
    }

    public Task<ScanResult> ScanAsync(Func<CancellationToken, Task<Stream>> open, CancellationToken cancellationToken) =>
        Task.FromResult<ScanResult>(new ScanResult.NotScanned("no scanner configured"));
}
