using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using CloudMail.Core.Blobs;
using Microsoft.Extensions.Logging;

namespace CloudMail.Storage.Azure.Blobs;

/// <summary>
/// <see cref="IMessageBlobStore"/> on one Blob container (<see cref="AzureResourceNames.MessagesContainer"/>): one
/// block blob per message, named <c>ab/{id}</c> (<see cref="SpreadKeys.BlobName"/>: writes spread over 256 name ranges);
/// blobs written before that naming, under the bare id, are still read, found and deleted. Content type <c>message/rfc822</c>, with the SHA-256 of its bytes in
/// the blob's metadata (<see cref="AzureBlobWriter.Sha256Metadata"/>). Blobs are write-once: the commit carries
/// <c>If-None-Match: *</c>, so the service refuses to replace an existing blob.
/// </summary>
public sealed class AzureMessageBlobStore(BlobContainerClient container, AzureStorageOptions options, ILogger<AzureMessageBlobStore> logger)
    : IMessageBlobStore
{
    /// <summary>
    /// A writer that stages blocks of <see cref="AzureStorageOptions.BlobBlockSize"/> while the caller streams, so
    /// memory stays at one block per message. Disposing it uncommitted leaves only uncommitted blocks, which
    /// are invisible and which the service discards (after a week at the latest).
    /// </summary>
    public IBlobWriter CreateWriter(string blobId)
    {
        ArgumentException.ThrowIfNullOrEmpty(blobId);
        return new AzureBlobWriter(container.GetBlockBlobClient(SpreadKeys.BlobName(blobId)), blobId, options.BlobBlockSize, logger);
    }

    /// <summary>
    /// A read stream over the committed blob (downloaded in ranges as it is read; fails if the blob were
    /// replaced meanwhile, which write-once rules out). Throws <see cref="BlobNotFoundException"/> when absent.
    /// </summary>
    public async Task<Stream> OpenReadAsync(string blobId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(blobId);
        foreach (string name in NamesOf(blobId))
        {
            try
            {
                return await container.GetBlobClient(name).OpenReadAsync(new BlobOpenReadOptions(allowModifications: false), cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                // Not under this name: try the older one.
            }
        }
        throw new BlobNotFoundException(blobId);
    }

    /// <summary>True when a committed blob exists (uncommitted blocks do not count).</summary>
    public async Task<bool> ExistsAsync(string blobId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(blobId);
        foreach (string name in NamesOf(blobId))
        {
            if ((await container.GetBlobClient(name).ExistsAsync(cancellationToken).ConfigureAwait(false)).Value) return true;
        }
        return false;
    }

    /// <summary>Deletes the blob and its snapshots under either name; no error when absent.</summary>
    public async Task DeleteAsync(string blobId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(blobId);
        foreach (string name in NamesOf(blobId))
        {
            await container.GetBlobClient(name).DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken)
                .ConfigureAwait(false);
        }
    }

    /// <summary>Where the blob may be: its spread name first, then the bare id blobs had before.</summary>
    /// <summary>The names a blob of <paramref name="blobId"/> may have: the spread name first, then the bare id of older blobs.</summary>
    internal static string[] NamesOf(string blobId) => [SpreadKeys.BlobName(blobId), blobId];
}
