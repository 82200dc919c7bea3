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

    /// <summary>
    /// <paramref name="block"/> (CRLF line endings) without its Bcc fields (continuation lines included) and with
    /// <paramref name="added"/> fields appended before the empty line; every other byte stays as it was.
    /// </summary>
    public static byte[] Rewrite(byte[] block, bool removeBcc, IReadOnlyList<string> added)
    {
        using var output = new MemoryStream(block.Length + 128);
        bool skipping = false, ended = false;
        int i = 0;
        while (i < block.Length)
        {
            int lf = Array.IndexOf(block, (byte)'\n', i);
            int end = lf < 0 ? block.Length : lf + 1;
            var line = block.AsSpan(i, end - i);
            i = end;
            if (line.SequenceEqual("\r\n"u8))
            {
                WriteFields(output, added);
                output.Write(line);
                ended = true;
                break;
            }
            if (line[0] is not ((byte)' ' or (byte)'\t')) skipping = removeBcc && IsField(line, "Bcc");
            if (skipping) continue;
            output.Write(line);
            if (lf < 0) output.Write("\r\n"u8); // the last line of a message without a body may lack its line break
        }
        if (!ended) WriteFields(output, added);
        output.Write(block.AsSpan(i));
        return output.ToArray();
    }

    private static void WriteFields(MemoryStream output, IReadOnlyList<string> fields)
    {
        foreach (string field in fields) output.Write(Encoding.ASCII.GetBytes(field + "\r\n"));
    }

    /// <summary>True when <paramref name="line"/> starts a field named <paramref name="name"/> (RFC 5322 §3.6.8; WSP before the colon is obsolete syntax, §4.5).</summary>
    private static bool IsField(ReadOnlySpan<byte> line, string name)
    {
        int colon = line.IndexOf((byte)':');
        if (colon < 0) return false;
        var field = line[..colon].TrimEnd(" \t"u8);
        return Encoding.ASCII.GetString(field).Equals(name, StringComparison.OrdinalIgnoreCase);
    }

    private static ApiProblem TooLarge(int maxBytes) =>
        ApiProblem.TooLarge($"The message's header block is larger than {maxBytes} bytes (CloudMail:SendApi:MaxRawHeaderSize).");
}

/// <summary>A header block as received and the body bytes read past it.</summary>
internal sealed record RawHead(byte[] Block, ReadOnlyMemory<byte> BodyStart);
