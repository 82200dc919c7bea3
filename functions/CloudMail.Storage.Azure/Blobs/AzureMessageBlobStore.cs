using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using CloudMail.Core.Blobs;
using Microsoft.Extensions.Logging;

namespace CloudMail.Storage.Azure.Blobs;

/// <summary>
/// <see cref="IMessageBlobStore"/> on one Blob container (<see cref="AzureResourceNames.MessagesContainer"/>): one
/// block blob per message, named by its id, content type <c>message/rfc822</c>, with the SHA-256 of its bytes in
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
        return new AzureBlobWriter(container.GetBlockBlobClient(blobId), blobId, options.BlobBlockSize, logger);
    }

    /// <summary>
    /// A read stream over the committed blob (downloaded in ranges as it is read; fails if the blob were
    /// replaced meanwhile, which write-once rules out). Throws <see cref="BlobNotFoundException"/> when absent.
    /// </summary>
    public async Task<Stream> OpenReadAsync(string blobId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(blobId);
        BlobClient blob = container.GetBlobClient(blobId);
        try
        {
            return await blob.OpenReadAsync(new BlobOpenReadOptions(allowModifications: false), cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw new BlobNotFoundException(blobId);
        }
    }

    /// <summary>True when a committed blob exists (uncommitted blocks do not count).</summary>
    public async Task<bool> ExistsAsync(string blobId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(blobId);
        return (await container.GetBlobClient(blobId).ExistsAsync(cancellationToken).ConfigureAwait(false)).Value;
    }

    /// <summary>Deletes the blob and its snapshots; no error when absent.</summary>
    public Task DeleteAsync(string blobId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(blobId);
        return container.GetBlobClient(blobId).DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken);
    }
}
