namespace CloudMail.Core.Blobs;

/// <summary>
/// The free space of the storage accepted mail is written to, where that space is finite (the embedded host's data
/// volume), with the reserve the host keeps. A host whose storage has no such limit (Azure Blob and Table) registers none.
/// </summary>
public interface IStorageSpace
{
    /// <summary>Bytes an unprivileged writer can still use; may be up to a second old.</summary>
    long AvailableBytes { get; }

    /// <summary>
    /// Whether a new message of <paramref name="incomingBytes"/> (0 when not known yet) may be taken: true unless fewer
    /// than the reserve plus that many bytes are free.
    /// </summary>
    bool CanTake(long incomingBytes);
}
