using CloudMail.Core.Blobs;

namespace CloudMail.Storage.Embedded.Blobs;

/// <summary>
/// <see cref="IMessageBlobStore"/> on the local file system: one file per message under
/// <c>&lt;data&gt;/messages/</c> (see <see cref="BlobPaths"/>), durable once <see cref="IBlobWriter.CommitAsync"/>
/// returns. Opening the store removes partial files left by a crash.
/// </summary>
internal sealed class FileMessageBlobStore : IMessageBlobStore
{
    private readonly BlobPaths _paths;

    public FileMessageBlobStore(string messagesDirectory)
    {
        _paths = new BlobPaths(messagesDirectory);
        FileSync.EnsureDirectory(_paths.Root);
        FileSync.EnsureDirectory(_paths.TempDirectory);
        StaleTempFiles.Remove(_paths.TempDirectory);
    }

    /// <summary>Where the files live (the small-blob writer spills into the same layout).</summary>
    public BlobPaths Paths => _paths;

    public IBlobWriter CreateWriter(string blobId) => FileBlobWriter.Create(_paths, blobId);

    public Task<Stream> OpenReadAsync(string blobId, CancellationToken cancellationToken)
    {
        BlobPaths.Validate(blobId);
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            Stream stream = new FileStream(_paths.FinalPath(blobId), FileMode.Open, FileAccess.Read,
                FileShare.Read | FileShare.Delete, 64 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan);
            return Task.FromResult(stream);
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromException<Stream>(new BlobNotFoundException(blobId));
        }
    }

    public Task<bool> ExistsAsync(string blobId, CancellationToken cancellationToken)
    {
        BlobPaths.Validate(blobId);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(File.Exists(_paths.FinalPath(blobId)));
    }

    public Task DeleteAsync(string blobId, CancellationToken cancellationToken)
    {
        BlobPaths.Validate(blobId);
        cancellationToken.ThrowIfCancellationRequested();
        string path = _paths.FinalPath(blobId);
        if (File.Exists(path)) File.Delete(path);
        return Task.CompletedTask;
    }
}
