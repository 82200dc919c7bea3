using System.Security.Cryptography;

namespace CloudMail.Core.Blobs;

/// <summary>The claim-check of a blob that is already committed, for writers that find their write-once blob present.</summary>
public static class BlobDescription
{
    /// <summary>Rebuilds the claim-check of committed blob <paramref name="blobId"/> (size and SHA-256) by reading it once.</summary>
    public static async Task<BlobRef> DescribeAsync(this IMessageBlobStore blobs, string blobId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        await using var stream = await blobs.OpenReadAsync(blobId, cancellationToken).ConfigureAwait(false);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] buffer = new byte[81920];
        long size = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            size += read;
        }
        return new BlobRef(blobId, size, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }
}
