using System.Text;

namespace CloudMail.SendApi;

/// <summary>
/// The header block of a raw (message/rfc822) submission: everything up to and including the first empty line
/// (RFC 5322 §2.1; CRLF or a bare LF), or the whole message when it has no body. Only this part is held in memory; the
/// body after it is streamed (<see cref="RawSubmission.WriteForStorageAsync"/>). Pure byte handling; never throws on
/// client input.
/// </summary>
internal static class RawHeaderBlock
{
    private const int ReadSize = 16 * 1024;

    /// <summary>
    /// Reads the header block from <paramref name="body"/>. Returns the block as received and the bytes read past it
    /// (the start of the body; the rest stays in <paramref name="body"/>), or 400 for an empty body, or 413 when no
    /// empty line comes within <paramref name="maxBytes"/>.
    /// </summary>
    public static async Task<(RawHead? Head, ApiProblem? Problem)> ReadAsync(Stream body, int maxBytes, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[Math.Min(maxBytes, ReadSize) + ReadSize];
        int filled = 0, scanned = 0, lineStart = 0;
        while (true)
        {
            if (filled == buffer.Length) Array.Resize(ref buffer, Math.Min(buffer.Length * 2, maxBytes + ReadSize));
            int read = await body.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                if (filled == 0) return (null, ApiProblem.Malformed("The request body is empty; send an RFC 5322 message."));
                return filled > maxBytes ? (null, TooLarge(maxBytes)) : (new RawHead(buffer[..filled], ReadOnlyMemory<byte>.Empty), null);
            }
            filled += read;
            for (; scanned < filled; scanned++)
            {
                if (buffer[scanned] != (byte)'\n') continue;
                int lineLength = scanned - lineStart;
                if (lineLength == 0 || (lineLength == 1 && buffer[lineStart] == (byte)'\r'))
                {
                    int end = scanned + 1;
                    if (end > maxBytes) return (null, TooLarge(maxBytes));
                    return (new RawHead(buffer[..end], buffer.AsMemory(end, filled - end)), null);
                }
                lineStart = scanned + 1;
            }
            if (filled > maxBytes) return (null, TooLarge(maxBytes));
        }
    }

    private static ApiProblem TooLarge(int maxBytes) =>
        ApiProblem.TooLarge($"The message's header block is larger than {maxBytes} bytes (CloudMail:SendApi:MaxRawHeaderSize).");
}

/// <summary>A header block as received and the body bytes read past it.</summary>
internal sealed record RawHead(byte[] Block, ReadOnlyMemory<byte> BodyStart);
