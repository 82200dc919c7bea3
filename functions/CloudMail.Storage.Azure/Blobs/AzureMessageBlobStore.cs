using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using CloudMail.Core.Blobs;
using CloudMail.Core.Intake;
using CloudMail.Core.Messages;
using Microsoft.Extensions.Logging;

namespace CloudMail.Storage.Azure.Blobs;

/// <summary>
/// <see cref="IMessageBlobStore"/> on one Blob container (<see cref="AzureResourceNames.MessagesContainer"/>): one
/// block blob per message, named <c>ab/{id}</c> (<see cref="SpreadKeys.BlobName"/>: writes spread over 256 name ranges);
/// blobs written before that naming, under the bare id, are still read, found and deleted. Content type <c>message/rfc822</c>, with the SHA-256 of its bytes in
/// the blob's metadata (<see cref="AzureBlobWriter.Sha256Metadata"/>). Blobs are write-once: the commit carries
/// <c>If-None-Match: *</c>, so the service refuses to replace an existing blob.
/// <para>
/// Staging blobs (ids ending in <see cref="MessageIntake.StagingSuffix"/>) are named <c>staging/ab/{id}</c>, so that
/// <see cref="SweepStagingAsync"/> lists only them, never the messages.
/// </para>
/// </summary>
public sealed class AzureMessageBlobStore(BlobContainerClient container, AzureStorageOptions options, ILogger<AzureMessageBlobStore> logger)
    : IMessageBlobStore, IStagingBlobSweep
{
    /// <summary>The name prefix of staging blobs.</summary>
    internal const string StagingFolder = "staging/";

    /// <summary>
    /// A writer that stages blocks of <see cref="AzureStorageOptions.BlobBlockSize"/> while the caller streams, so
    /// memory stays at one block per message. Disposing it uncommitted leaves only uncommitted blocks, which
    /// are invisible and which the service discards (after a week at the latest).
    /// </summary>
    public IBlobWriter CreateWriter(string blobId)
    {
        ArgumentException.ThrowIfNullOrEmpty(blobId);
        return new AzureBlobWriter(container.GetBlockBlobClient(NamesOf(blobId)[0]), blobId, options.BlobBlockSize, logger);
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

    /// <summary>
    /// Lists the staging folder and deletes the staging blobs whose id was made before <paramref name="cutoff"/>
    /// (see <see cref="IStagingBlobSweep"/>). One listing of <c>staging/</c>, which holds only blobs of sessions in
    /// progress and crash leftovers.
    /// </summary>
    public async Task<int> SweepStagingAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        int removed = 0;
        await foreach (BlobItem item in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, StagingFolder, cancellationToken).ConfigureAwait(false))
        {
            string blobId = item.Name[(item.Name.LastIndexOf('/') + 1)..];
            if (!blobId.EndsWith(MessageIntake.StagingSuffix, StringComparison.Ordinal) || !MessageIds.MadeBefore(blobId, cutoff)) continue;
            Response<bool> deleted = await container.GetBlobClient(item.Name)
                .DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (deleted.Value) removed++;
        }
        return removed;
    }

    /// <summary>
    /// The names a blob of <paramref name="blobId"/> may have, the one new blobs get first: <c>staging/ab/{id}</c> for a
    /// staging blob (then the spread name staging blobs had before), else the spread name; last the bare id of the
    /// oldest blobs.
    /// </summary>
    internal static string[] NamesOf(string blobId) => blobId.EndsWith(MessageIntake.StagingSuffix, StringComparison.Ordinal)
        ? [StagingFolder + SpreadKeys.BlobName(blobId), SpreadKeys.BlobName(blobId), blobId]
        : [SpreadKeys.BlobName(blobId), blobId];
}
