using System.Security.Cryptography;
using CloudMail.Core.Blobs;

namespace CloudMail.Storage.Embedded.Blobs;

/// <summary>Size and SHA-256 of a stored file, for the write-once check on a repeated commit.</summary>
internal static class BlobHashing
{
    public static async Task<BlobRef> DescribeAsync(string blobId, string path, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete,
            64 * 1024, FileOptions.SequentialScan);
        byte[] hash = await SHA256.HashDataAsync(file, cancellationToken).ConfigureAwait(false);
        return new BlobRef(blobId, file.Length, Convert.ToHexStringLower(hash));
    }
}
