using System.Buffers;
using System.Text;

namespace CloudMail.Core.Filtering;

/// <summary>
/// Copies a stored message with header fields added on top and some of its own header fields left out, streaming the
/// body (convention 8). A field is its first line plus its folded continuation lines (RFC 5322 §2.2.3). Only the header
/// section is read line by line, and only up to <see cref="MaxHeaderBytes"/>: past that (or at the empty line) the rest is
/// copied as it is. Lines end in CRLF or bare LF, copied unchanged. One pooled buffer of <see cref="BufferSize"/> bytes
/// serves the whole copy; <c>write</c> must be done with the memory it is given when its task completes.
/// </summary>
public static class HeaderRewrite
{
    /// <summary>Header bytes examined for removal; a larger header section is copied unchanged from there on.</summary>
    public const int MaxHeaderBytes = 1024 * 1024;

    /// <summary>The read buffer, and the longest line looked at whole (a longer one is handled in pieces of this size).</summary>
    public const int BufferSize = 64 * 1024;

    public static async Task CopyAsync(Stream source, Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> write, string addFields,
        Func<string, bool>? removeField, CancellationToken cancellationToken)
    {
        if (addFields.Length > 0) await write(Encoding.UTF8.GetBytes(addFields), cancellationToken).ConfigureAwait(false);
        var reader = new LineReader(source, ArrayPool<byte>.Shared.Rent(BufferSize));
        try
        {
            var field = new ArrayBufferWriter<byte>(256);
            long seen = 0;
            bool whole = false; // the header section was read to its end (empty line or end of message), not cut at the cap
            bool lineStart = true; // the previous piece ended its line (a line longer than the buffer comes in pieces)
            while (removeField is not null && seen < MaxHeaderBytes)
            {
                var line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
                if (line.IsEmpty) { whole = true; break; }
                seen += line.Length;
                bool continuation = !lineStart || line.Span[0] is (byte)' ' or (byte)'\t';
                if (!continuation) await FlushFieldAsync(field, write, removeField, cancellationToken).ConfigureAwait(false);
                if (lineStart && line.Length <= 2 && !line.Span.ContainsAnyExcept((byte)'\r', (byte)'\n'))
                {
                    await write(line, cancellationToken).ConfigureAwait(false);
                    break;
                }
                field.Write(line.Span);
                lineStart = line.Span[^1] == (byte)'\n';
            }
            // A field cut by the cap is copied as it is: its end was never seen.
            await FlushFieldAsync(field, write, whole ? removeField : null, cancellationToken).ConfigureAwait(false);
            ReadOnlyMemory<byte> chunk;
            while (!(chunk = await reader.ReadChunkAsync(cancellationToken).ConfigureAwait(false)).IsEmpty)
                await write(chunk, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(reader.Buffer);
        }
    }

    private static async Task FlushFieldAsync(ArrayBufferWriter<byte> field, Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> write,
        Func<string, bool>? removeField, CancellationToken cancellationToken)
    {
        if (field.WrittenCount == 0) return;
        if (removeField is null || !removeField(Encoding.UTF8.GetString(field.WrittenSpan)))
            await write(field.WrittenMemory, cancellationToken).ConfigureAwait(false);
        field.ResetWrittenCount();
    }

    /// <summary>
    /// Lines and then raw chunks out of one buffer. Each returned slice is valid until the next call; an empty slice is the
    /// end of the stream.
    /// </summary>
    private sealed class LineReader(Stream source, byte[] buffer)
    {
        private int _start, _end;
        private bool _ended;

        public byte[] Buffer { get; } = buffer;

        /// <summary>One line with its line ending; a line longer than <see cref="BufferSize"/> comes in pieces.</summary>
        public async ValueTask<ReadOnlyMemory<byte>> ReadLineAsync(CancellationToken cancellationToken)
        {
            int scanned = 0;
            while (true)
            {
                int lf = Array.IndexOf(Buffer, (byte)'\n', _start + scanned, _end - _start - scanned);
                if (lf >= 0) return Take(lf + 1 - _start);
                if (_ended || _end - _start >= BufferSize) return Take(_end - _start);
                scanned = _end - _start;
                if (_start > 0)
                {
                    Array.Copy(Buffer, _start, Buffer, 0, scanned);
                    _start = 0;
                    _end = scanned;
                }
                int n = await source.ReadAsync(Buffer.AsMemory(_end, BufferSize - _end), cancellationToken).ConfigureAwait(false);
                if (n == 0) _ended = true;
                _end += n;
            }
        }

        /// <summary>What is left in the buffer, then the stream's reads as they come.</summary>
        public async ValueTask<ReadOnlyMemory<byte>> ReadChunkAsync(CancellationToken cancellationToken)
        {
            if (_end > _start) return Take(_end - _start);
            if (_ended) return ReadOnlyMemory<byte>.Empty;
            _start = _end = 0;
            int n = await source.ReadAsync(Buffer.AsMemory(0, BufferSize), cancellationToken).ConfigureAwait(false);
            if (n == 0) _ended = true;
            return Buffer.AsMemory(0, n);
        }

        private ReadOnlyMemory<byte> Take(int length)
        {
            var slice = Buffer.AsMemory(_start, length);
            _start += length;
            return slice;
        }
    }
}
