using System.Buffers;
using CloudMail.Core.Messages;

namespace CloudMail.SendApi;

/// <summary>Line-ending normalization for submitted messages (RFC 5322 §2.1: lines end in CRLF).</summary>
internal static class LineEndings
{
    private const int ChunkSize = 64 * 1024;

    /// <summary>Copies <paramref name="input"/>, turning every bare LF into CRLF (bare CR is left alone).</summary>
    public static byte[] ToCrLf(ReadOnlySpan<byte> input)
    {
        var output = new byte[input.Length + BareLineFeeds.Count(input, afterCr: false)];
        BareLineFeeds.CopyToCrLf(input, output, afterCr: false);
        return output;
    }

    /// <summary>
    /// Writes <paramref name="first"/> and then everything left in <paramref name="source"/> to
    /// <paramref name="destination"/> with every bare LF turned into CRLF, chunk by chunk (never the whole input in
    /// memory). The byte before <paramref name="first"/> is taken to be no CR (the caller cuts after a line feed).
    /// </summary>
    public static async Task CopyToCrLfAsync(ReadOnlyMemory<byte> first, Stream source, Stream destination, CancellationToken cancellationToken)
    {
        byte[] input = ArrayPool<byte>.Shared.Rent(ChunkSize);
        byte[] output = ArrayPool<byte>.Shared.Rent(2 * ChunkSize);
        try
        {
            bool afterCr = false;
            for (int start = 0; start < first.Length; start += ChunkSize)
            {
                var chunk = first.Slice(start, Math.Min(ChunkSize, first.Length - start));
                afterCr = await WriteAsync(chunk, output, afterCr, destination, cancellationToken).ConfigureAwait(false);
            }
            int read;
            while ((read = await source.ReadAsync(input.AsMemory(0, ChunkSize), cancellationToken).ConfigureAwait(false)) > 0)
                afterCr = await WriteAsync(input.AsMemory(0, read), output, afterCr, destination, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(input);
            ArrayPool<byte>.Shared.Return(output);
        }
    }

    private static async Task<bool> WriteAsync(ReadOnlyMemory<byte> chunk, byte[] output, bool afterCr, Stream destination, CancellationToken cancellationToken)
    {
        int length = BareLineFeeds.CopyToCrLf(chunk.Span, output, afterCr);
        await destination.WriteAsync(output.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
        return chunk.Span[^1] == (byte)'\r';
    }
}
