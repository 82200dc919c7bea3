using CloudMail.Core.Blobs;

namespace CloudMail.Core.Messages;

/// <summary>
/// Streams message bytes into a blob with every bare LF written as CRLF (RFC 5322 §2.1, RFC 3501 §2.2: lines end in
/// CRLF), chunk by chunk, so that what a client fetches back is a well-formed message whatever line ends it sent. A CRLF
/// split across two chunks stays one CRLF; a bare CR is kept as it is (as Dovecot stores it).
/// </summary>
public static class BareLineFeedWriter
{
    private static readonly ReadOnlyMemory<byte> CarriageReturn = new byte[] { (byte)'\r' };

    /// <summary>
    /// Writes <paramref name="chunk"/> to <paramref name="writer"/>, a CR added before each LF that does not follow a CR.
    /// <paramref name="afterCr"/> says whether the byte before the chunk was a CR (false at the start of a message);
    /// returns the same for the chunk's last byte, to pass with the next chunk. Runs without a bare LF are written as
    /// they are, in one piece.
    /// </summary>
    public static async ValueTask<bool> WriteAsync(IBlobWriter writer, ReadOnlyMemory<byte> chunk, bool afterCr, CancellationToken cancellationToken)
    {
        if (chunk.IsEmpty) return afterCr;
        int start = 0;
        for (int bare = BareLineFeeds.IndexOfNext(chunk.Span, 0, afterCr); bare >= 0; bare = BareLineFeeds.IndexOfNext(chunk.Span, bare + 1, afterCr))
        {
            if (bare > start) await writer.WriteAsync(chunk[start..bare], cancellationToken).ConfigureAwait(false);
            await writer.WriteAsync(CarriageReturn, cancellationToken).ConfigureAwait(false);
            start = bare; // the LF starts the next run
        }
        await writer.WriteAsync(chunk[start..], cancellationToken).ConfigureAwait(false);
        return chunk.Span[^1] == (byte)'\r';
    }
}
