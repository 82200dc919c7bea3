namespace CloudMail.Core.Blobs;

/// <summary>
/// A claim-check for one raw MIME message in the blob store. Small enough to travel in queue jobs.
/// </summary>
/// <param name="Id">Blob name (the message id); unique and write-once.</param>
/// <param name="Size">Exact byte count of the stored message.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the stored bytes.</param>
public sealed record BlobRef(string Id, long Size, string Sha256);
