using System.Buffers;
using CloudMail.Listener.Network;
using CloudMail.Protocols.Imap.Writing;

namespace CloudMail.Listener.Imap.Session;

/// <summary>
/// The session's response buffer: responses are composed with <see cref="W"/> and sent on flush; large
/// literals are copied from the blob in chunks so a big FETCH never sits whole in memory. Whatever is
/// buffered is sent once it reaches the connection's <see cref="ClientConnection.MaxPendingOutput"/>, and
/// every send is bounded by the connection's write timeout.
/// </summary>
internal sealed class ImapOutput : IBufferWriter<byte>
{
    private const int CopyChunk = 64 * 1024;
    private const int InitialCapacity = 8192;
    private const int KeepCapacity = 64 * 1024;

    private readonly ClientConnection _connection;
    /// <summary>Responses being composed; null once they moved to the connection, so an idle session holds no buffer.</summary>
    private ArrayBufferWriter<byte>? _buffer;

    public ImapOutput(ClientConnection connection)
    {
        _connection = connection;
        W = new ImapResponseWriter(this);
    }

    public ImapResponseWriter W { get; }

    public void Advance(int count) => Buffer.Advance(count);

    public Memory<byte> GetMemory(int sizeHint = 0) => Buffer.GetMemory(sizeHint);

    public Span<byte> GetSpan(int sizeHint = 0) => Buffer.GetSpan(sizeHint);

    private ArrayBufferWriter<byte> Buffer => _buffer ??= new(InitialCapacity);

    /// <summary>Sends everything written so far.</summary>
    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        MoveToConnection(release: true);
        await _connection.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Flushes when a lot is buffered (between messages of a long FETCH).</summary>
    public ValueTask FlushIfLargeAsync(CancellationToken cancellationToken) =>
        (_buffer?.WrittenCount ?? 0) + _connection.PendingOutput >= _connection.MaxPendingOutput ? FlushAsync(cancellationToken) : ValueTask.CompletedTask;

    /// <summary>Copies <paramref name="count"/> bytes of <paramref name="source"/> from <paramref name="start"/> to the client.</summary>
    public async Task CopyAsync(Stream source, long start, long count, CancellationToken cancellationToken)
    {
        MoveToConnection(release: false);
        source.Position = start;
        byte[] chunk = ArrayPool<byte>.Shared.Rent(CopyChunk);
        try
        {
            while (count > 0)
            {
                int n = await source.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, count)), cancellationToken).ConfigureAwait(false);
                if (n == 0) throw new EndOfStreamException("The stored message is shorter than its index entry says.");
                _connection.Write(chunk.AsSpan(0, n));
                count -= n;
                await _connection.FlushIfFullAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    private void MoveToConnection(bool release)
    {
        if (_buffer is null) return;
        if (_buffer.WrittenCount > 0) _connection.Write(_buffer.WrittenSpan);
        // Kept between the messages of a FETCH (CopyAsync); dropped on flush, when the session may wait for input.
        if (release || _buffer.Capacity > KeepCapacity) _buffer = null;
        else _buffer.ResetWrittenCount();
    }
}
