using System.Text;

namespace CloudMail.Core.Filtering;

/// <summary>
/// Copies a stored message with header fields added on top and some of its own header fields left out, streaming the
/// body (convention 8). A field is its first line plus its folded continuation lines (RFC 5322 §2.2.3). Only the header
/// section is read line by line, and only up to <see cref="MaxHeaderBytes"/>: past that (or at the empty line) the rest is
/// copied as it is. Lines end in CRLF or bare LF, copied unchanged.
/// </summary>
public static class HeaderRewrite
{
    /// <summary>Header bytes examined for removal; a larger header section is copied unchanged from there on.</summary>
    public const int MaxHeaderBytes = 1024 * 1024;

    public static async Task CopyAsync(Stream source, Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> write, string addFields,
        Func<string, bool>? removeField, CancellationToken cancellationToken)
    {
        if (addFields.Length > 0) await write(Encoding.UTF8.GetBytes(addFields), cancellationToken).ConfigureAwait(false);
        var buffered = new BufferedStream(source, 64 * 1024);
        var field = new MemoryStream();
        long seen = 0;
        bool whole = false; // the header section was read to its end (empty line or end of message), not cut at the cap
        while (removeField is not null && seen < MaxHeaderBytes)
        {
            byte[]? line = await ReadLineAsync(buffered, cancellationToken).ConfigureAwait(false);
            if (line is null) { whole = true; break; }
            seen += line.Length;
            bool continuation = line.Length > 0 && line[0] is (byte)' ' or (byte)'\t';
            if (!continuation) await FlushFieldAsync(field, write, removeField, cancellationToken).ConfigureAwait(false);
            bool end = line.Length <= 2 && line.All(b => b is (byte)'\r' or (byte)'\n');
            if (end)
            {
                await write(line, cancellationToken).ConfigureAwait(false);
                break;
            }
            field.Write(line);
        }
        // A field cut by the cap is copied as it is: its end was never seen.
        await FlushFieldAsync(field, write, whole ? removeField : null, cancellationToken).ConfigureAwait(false);
        byte[] chunk = new byte[64 * 1024];
        int n;
        while ((n = await buffered.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            await write(chunk.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
    }

    private static async Task FlushFieldAsync(MemoryStream field, Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> write,
        Func<string, bool>? removeField, CancellationToken cancellationToken)
    {
        if (field.Length == 0) return;
        var bytes = field.GetBuffer().AsMemory(0, (int)field.Length);
        if (removeField is null || !removeField(Encoding.UTF8.GetString(bytes.Span))) await write(bytes.ToArray(), cancellationToken).ConfigureAwait(false);
        field.SetLength(0);
    }

    /// <summary>One line with its line ending; null at the end of the stream. A line longer than the cap is returned in pieces.</summary>
    private static async Task<byte[]?> ReadLineAsync(Stream stream, CancellationToken cancellationToken)
    {
        var line = new List<byte>(128);
        byte[] one = new byte[1];
        while (line.Count < 64 * 1024)
        {
            int n = await stream.ReadAsync(one, cancellationToken).ConfigureAwait(false);
            if (n == 0) return line.Count == 0 ? null : [.. line];
            line.Add(one[0]);
            if (one[0] == (byte)'\n') break;
        }
        return [.. line];
    }
}
