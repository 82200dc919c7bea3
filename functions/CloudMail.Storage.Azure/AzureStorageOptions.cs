namespace CloudMail.Storage.Azure;

/// <summary>
/// Tuning of the Azure backend (section <c>CloudMail:Azure</c>): every default and limit in one place, bound
/// and validated at start by <see cref="AzureStorageServiceCollectionExtensions.AddCloudMailAzureStorage"/>.
/// Where the data lives is not here but in the connection settings (<see cref="AzureResourceNames.StorageConnection"/>,
/// <see cref="AzureResourceNames.ServiceBusConnection"/>).
/// </summary>
public sealed class AzureStorageOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "CloudMail:Azure";

    /// <summary>
    /// Create the blob container and the tables at start when missing. For Azurite and local runs; in Azure
    /// the Bicep in <c>infra/</c> creates them and the app's identity is not allowed to (data roles only).
    /// </summary>
    public bool CreateResourcesIfMissing { get; set; }

    /// <summary>
    /// Bytes a blob writer buffers before staging a block (memory per in-flight message). Messages up to this
    /// size are uploaded with one request. 64 KiB to 100 MiB (the service's block limit, API 2019-12-12+).
    /// </summary>
    public int BlobBlockSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// How many times an ETag-guarded write (UID/MODSEQ allocation, directory changes) is attempted before
    /// <see cref="Core.Mailboxes.MailboxConflictException"/> (or <see cref="Core.Directory.DirectoryConflictException"/>).
    /// Writers in one process are serialized per account first, so races come only from other processes.
    /// </summary>
    public int MaxConcurrencyAttempts { get; set; } = 16;

    /// <summary>Problems with the values, empty when valid.</summary>
    public IEnumerable<string> Validate()
    {
        if (BlobBlockSize is < 64 * 1024 or > 100 * 1024 * 1024) yield return $"{Section}:BlobBlockSize must be between 64 KiB and 100 MiB";
        if (MaxConcurrencyAttempts is < 1 or > 1000) yield return $"{Section}:MaxConcurrencyAttempts must be between 1 and 1000";
    }
}
