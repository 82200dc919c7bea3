using System.Buffers;
using CloudMail.Listener.Network;
using CloudMail.Protocols.Imap.Writing;

namespace CloudMail.Listener.Imap.Session;

/// <summary>
/// The session's response output: responses are composed with <see cref="W"/> straight into the connection's output
/// buffer and sent on flush; large literals are copied from the blob in chunks so a big FETCH never sits whole in
/// memory. Whatever is buffered is sent once it reaches the connection's <see cref="ClientConnection.MaxPendingOutput"/>,
/// and every send is bounded by the connection's write timeout.
/// </summary>
internal sealed class ImapOutput : IBufferWriter<byte>
{
    private const int CopyChunk = 64 * 1024;

    /// <summary>What a NUL byte of stored content is sent as inside a literal.</summary>
    public const byte NulReplacement = 0x80;

    private readonly ClientConnection _connection;

    public ImapOutput(ClientConnection connection)
    {
        _connection = connection;
        W = new ImapResponseWriter(connection);
    }

    public ImapResponseWriter W { get; }

    public void Advance(int count) => _connection.Advance(count);

    public Memory<byte> GetMemory(int sizeHint = 0) => _connection.GetMemory(sizeHint);

    public Span<byte> GetSpan(int sizeHint = 0) => _connection.GetSpan(sizeHint);

    /// <summary>Sends everything written so far.</summary>
    public ValueTask FlushAsync(CancellationToken cancellationToken) => _connection.FlushAsync(cancellationToken);

    /// <summary>Flushes when a lot is buffered (between messages of a long FETCH).</summary>
    public ValueTask FlushIfLargeAsync(CancellationToken cancellationToken) => _connection.FlushIfFullAsync(cancellationToken);

    /// <summary>
    /// Copies <paramref name="count"/> bytes of <paramref name="source"/> from <paramref name="start"/> to the client as the
    /// data of a literal: a NUL byte, which a literal cannot carry (RFC 3501 §9: CHAR8 is %x01-ff), goes out as 0x80, as
    /// Dovecot sends it; the length is unchanged, and BINARY (literal8) still gives the stored bytes.
    /// </summary>
    public async Task CopyAsync(Stream source, long start, long count, CancellationToken cancellationToken)
    {
        source.Position = start;
        byte[] chunk = ArrayPool<byte>.Shared.Rent(CopyChunk);
        try
        {
            while (count > 0)
            {
                int n = await source.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, count)), cancellationToken).ConfigureAwait(false);
                if (n == 0) throw new EndOfStreamException("The stored message is shorter than its index entry says.");
                chunk.AsSpan(0, n).Replace((byte)0, NulReplacement);
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
}
