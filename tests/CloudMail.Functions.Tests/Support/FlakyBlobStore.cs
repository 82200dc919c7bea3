using CloudMail.Core.Storage;

namespace CloudMail.Functions.Tests.Support;

/// <summary>
/// The real embedded blob store with a switch: while <see cref="FailuresLeft"/> is positive, reads throw
/// <see cref="IOException"/> (a disk or network blip) and count it down.
/// </summary>
public sealed class FlakyBlobStore(IMessageBlobStore inner) : IMessageBlobStore
{
    private int _failuresLeft;

    public int FailuresLeft
    {
        get => Volatile.Read(ref _failuresLeft);
        set => Volatile.Write(ref _failuresLeft, value);
    }

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
        if (Interlocked.Decrement(ref _failuresLeft) >= 0) throw new IOException("injected: storage unavailable");
        Interlocked.Exchange(ref _failuresLeft, 0);
    }
}
