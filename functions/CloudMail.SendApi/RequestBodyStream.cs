namespace CloudMail.SendApi;

/// <summary>
/// The request body as the send API handler reads it: a read-only stream over the host's body that counts every byte
/// against a size limit (413) and the request's <see cref="InFlightLease"/> (429/503), feeds the
/// <see cref="RequestFingerprint"/> when there is one, and turns a transport failure (broken chunked encoding, a data-rate
/// timeout) into a 400, so that none of these is mistaken for a storage failure. Each refusal is thrown as a
/// <see cref="SubmissionRefusedException"/>; the client going away is a cancellation and is rethrown as it is.
/// </summary>
internal sealed class RequestBodyStream(Stream inner, long maxBytes, InFlightLease lease, RequestFingerprint? fingerprint) : Stream
{
    private long _read;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read;
        try
        {
            read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SubmissionRefusedException(ApiProblem.Malformed("The request body could not be read: " + e.Message));
        }
        if (read == 0) return 0;
        _read += read;
        if (_read > maxBytes) throw new SubmissionRefusedException(ApiProblem.TooLarge($"The request body is larger than {maxBytes} bytes."));
        if (lease.Receive(read) is { } busy) throw new SubmissionRefusedException(busy);
        fingerprint?.Append(buffer.Span[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Synchronous reads would block a thread on the network; the handler only reads asynchronously.</summary>
    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>A request refused while its body was being read; <see cref="Problem"/> is the answer.</summary>
internal sealed class SubmissionRefusedException(ApiProblem problem) : Exception(problem.Detail)
{
    public ApiProblem Problem { get; } = problem;
}
