using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace CloudMail.Filtering.Antivirus;

/// <summary>
/// Scans a stream with clamd's INSTREAM command (clamd(8)): <c>zINSTREAM\0</c>, then chunks each prefixed by its length as
/// a 4-byte big-endian number, a zero-length chunk to end, then one NUL-terminated reply. One connection per scan.
/// Socket failures and timeouts surface as exceptions (the scanner is unavailable); clamd's own errors are a
/// <see cref="ClamdVerdict.Failed"/>.
/// </summary>
public sealed class ClamdClient(ClamdEndpoint endpoint)
{
    private const int ChunkSize = 64 * 1024;
    private const int MaxReplyLength = 4096;

    public ClamdEndpoint Endpoint { get; } = endpoint;

    public async Task<ClamdVerdict> ScanAsync(Stream content, CancellationToken cancellationToken)
    {
        using var socket = await Endpoint.ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        await stream.WriteAsync("zINSTREAM\0"u8.ToArray(), cancellationToken).ConfigureAwait(false);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(4 + ChunkSize);
        try
        {
            int read;
            while ((read = await content.ReadAsync(buffer.AsMemory(4, ChunkSize), cancellationToken).ConfigureAwait(false)) > 0)
            {
                BinaryPrimitives.WriteUInt32BigEndian(buffer, (uint)read);
                await stream.WriteAsync(buffer.AsMemory(0, 4 + read), cancellationToken).ConfigureAwait(false);
            }
            BinaryPrimitives.WriteUInt32BigEndian(buffer, 0);
            await stream.WriteAsync(buffer.AsMemory(0, 4), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return ClamdVerdict.Parse(await ReadReplyAsync(stream, cancellationToken).ConfigureAwait(false));
    }

    private static async Task<string> ReadReplyAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var reply = new MemoryStream();
        byte[] one = new byte[256];
        while (reply.Length < MaxReplyLength)
        {
            int n = await stream.ReadAsync(one, cancellationToken).ConfigureAwait(false);
            if (n == 0) break;
            int nul = Array.IndexOf(one, (byte)0, 0, n);
            reply.Write(one, 0, nul >= 0 ? nul : n);
            if (nul >= 0) break;
        }
        return Encoding.ASCII.GetString(reply.ToArray());
    }
}
