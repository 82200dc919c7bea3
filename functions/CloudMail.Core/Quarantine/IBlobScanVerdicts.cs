namespace CloudMail.Core.Quarantine;

/// <summary>
/// The verdict of a scanner outside CloudMail that scans every stored message blob by itself and writes what it found
/// next to the blob — in Azure, Microsoft Defender for Storage's on-upload malware scanning, which sets the blob index
/// tag <c>Malware Scanning scan result</c>. Registered by a storage backend that can read such verdicts
/// (<c>CloudMail:Antivirus:DefenderForStorage</c>); <see cref="PipelineVirusCheck"/> then waits for it on every inbound
/// message. Never throws for a missing or unreadable verdict: that is <see cref="ScanResult.Unavailable"/> (not yet
/// scanned, try again later).
/// </summary>
public interface IBlobScanVerdicts
{
    /// <summary>What the external scanner found in blob <paramref name="blobId"/>, or that it has not said yet.</summary>
    Task<ScanResult> GetAsync(string blobId, CancellationToken cancellationToken);
}
