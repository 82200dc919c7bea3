using CloudMail.Core.Failures;
using CloudMail.Core.Blobs;

namespace CloudMail.Functions.Tests.Support;

/// <summary>
/// The real embedded blob store with a switch: while <see cref="FailuresLeft"/> is positive, reads throw what a backend
/// throws for a disk or network blip, a <see cref="TransientStorageException"/> wrapping an <see cref="IOException"/>,
/// and count it down.
/// </summary>
public sealed class FlakyBlobStore(IMessageBlobStore inner) : IMessageBlobStore
{
    private int _failuresLeft;

    public int FailuresLeft
    {
        get => Volatile.Read(ref _failuresLeft);
        set => Volatile.Write(ref _failuresLeft, value);
    }

    /// <summary>When set, reads throw it every time (a bug or bad configuration rather than a blip).</summary>
    public Exception? Broken { get; set; }

    public IBlobWriter CreateWriter(string blobId) => inner.CreateWriter(blobId);

    public Task<Stream> OpenReadAsync(string blobId, CancellationToken cancellationToken)
    {
        FailIfAsked();
        return inner.OpenReadAsync(blobId, cancellationToken);
    }

    public Task<bool> ExistsAsync(string blobId, CancellationToken cancellationToken)
    {
        FailIfAsked();
        return inner.ExistsAsync(blobId, cancellationToken);
    }

    public Task DeleteAsync(string blobId, CancellationToken cancellationToken) => inner.DeleteAsync(blobId, cancellationToken);

    private void FailIfAsked()
    {
        if (Broken is { } broken) throw broken;
        if (Interlocked.Decrement(ref _failuresLeft) >= 0) throw new TransientStorageException(new IOException("injected: storage unavailable"));
        Interlocked.Exchange(ref _failuresLeft, 0);
    }
}
