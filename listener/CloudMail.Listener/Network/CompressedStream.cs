using System.IO.Compression;

namespace CloudMail.Listener.Network;

/// <summary>
/// Raw DEFLATE both ways over a connection (RFC 1951 without zlib header, as IMAP COMPRESS=DEFLATE wants, RFC 4978 §4):
/// reads inflate what <paramref name="source"/> gives, writes deflate into <paramref name="transport"/>, and
/// <see cref="Flush"/> ends the pending output with a sync flush so that the peer can decode every response whole
/// (RFC 4978 §4: flush after each response). Corrupt input is an <see cref="IOException"/> (the peer broke the
/// connection), never an <see cref="InvalidDataException"/> escaping the session. Neither inner stream is disposed.
/// </summary>
/// <param name="source">Where compressed input comes from: the connection's input so far, bytes already buffered first.</param>
/// <param name="transport">Where compressed output goes: the socket or the TLS stream.</param>
internal sealed class CompressedStream(Stream source, Stream transport) : Stream
{
    private readonly DeflateStream _inflater = new(source, CompressionMode.Decompress, leaveOpen: true);
    private readonly DeflateStream _deflater = new(transport, CompressionLevel.Fastest, leaveOpen: true);

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            return await _inflater.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException e)
        {
            throw new IOException("The client sent data that does not inflate.", e);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        _deflater.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        _deflater.WriteAsync(buffer, offset, count, cancellationToken);

    public override void Write(byte[] buffer, int offset, int count) => _deflater.Write(buffer, offset, count);

    /// <summary>Sync flush (everything written so far becomes decodable), then flushes the transport.</summary>
    public override Task FlushAsync(CancellationToken cancellationToken) => _deflater.FlushAsync(cancellationToken);

    public override void Flush() => _deflater.Flush();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inflater.Dispose();
            _deflater.Dispose();
        }
        base.Dispose(disposing);
    }
}
