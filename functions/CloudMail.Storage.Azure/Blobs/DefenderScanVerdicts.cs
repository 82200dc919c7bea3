using Azure;
using Azure.Storage.Blobs;
using CloudMail.Core.Quarantine;

namespace CloudMail.Storage.Azure.Blobs;

/// <summary>
/// <see cref="IBlobScanVerdicts"/> from Microsoft Defender for Storage's on-upload malware scanning, which writes its
/// result into the scanned blob's index tag <see cref="ResultTag"/> ("No threats found", "Malicious", "Not scanned", or an
/// error text such as "SAM259201: Scan failed - internal service error."; Microsoft Learn, "Understanding malware scanning
/// results"). One Get Blob Tags call per message (the Functions identity needs the tags/read data action only).
/// </summary>
public sealed class DefenderScanVerdicts(BlobContainerClient container) : IBlobScanVerdicts
{
    /// <summary>The index tag Defender writes its verdict into.</summary>
    public const string ResultTag = "Malware Scanning scan result";

    /// <summary>The signature recorded for a message Defender found malicious (Defender names no signature in the tag).</summary>
    public const string MaliciousSignature = "Defender for Storage: Malicious";

    public async Task<ScanResult> GetAsync(string blobId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(blobId);
        foreach (string name in AzureMessageBlobStore.NamesOf(blobId))
        {
            IDictionary<string, string> tags;
            try
            {
                tags = (await container.GetBlobClient(name).GetTagsAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value.Tags;
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                continue; // not under this name: try the older one
            }
            catch (RequestFailedException e)
            {
                return new ScanResult.Unavailable($"Defender verdict of {blobId} unreadable: {e.Status} {e.ErrorCode}");
            }
            return Interpret(tags.TryGetValue(ResultTag, out string? value) ? value : null);
        }
        return new ScanResult.Unavailable($"blob {blobId} not found");
    }

    /// <summary>The verdict a value of <see cref="ResultTag"/> stands for (null: Defender has not written it yet).</summary>
    public static ScanResult Interpret(string? result) => result?.Trim() switch
    {
        null or "" => new ScanResult.Unavailable("no Defender for Storage verdict yet"),
        var v when v.Equals("No threats found", StringComparison.OrdinalIgnoreCase) => new ScanResult.Clean(),
        var v when v.Equals("Malicious", StringComparison.OrdinalIgnoreCase) => new ScanResult.Infected(MaliciousSignature),
        var v when v.Equals("Not scanned", StringComparison.OrdinalIgnoreCase) => new ScanResult.NotScanned("Defender for Storage did not scan it"),
        var v => new ScanResult.Unavailable("Defender for Storage: " + (v.Length > 200 ? v[..200] : v)),
    };
}
