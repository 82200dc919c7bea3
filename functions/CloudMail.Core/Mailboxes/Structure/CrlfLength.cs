namespace CloudMail.Core.Mailboxes.Structure;

/// <summary>
/// Counts the octets of a message once every line end is CRLF and its last line has one: a bare LF gets a CR, a CR at
/// the very end gets its LF, an unterminated last line gets a CRLF; nothing else changes. That is what POP3 RETR sends
/// before byte-stuffing, the "exact size" LIST and STAT report (RFC 1939 §5), so the mailbox index can keep it and
/// POP3 need not read a message to count it. Feed any chunking; the count is the same.
/// </summary>
public struct CrlfLength
{
    private bool _lastWasCr;
    private bool _atLineStart;
    private bool _started;

    /// <summary>Octets counted so far, the line end of an unfinished last line not included (see <see cref="Complete"/>).</summary>
    public long Count { get; private set; }

    /// <summary>Counts the next chunk.</summary>
    public void Write(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty) return;
        _started = true;
        while (!input.IsEmpty)
        {
            int lf = input.IndexOf((byte)'\n');
            if (lf < 0)
            {
                Count += input.Length;
                _lastWasCr = input[^1] == (byte)'\r';
                _atLineStart = false;
                return;
            }
            bool crBefore = lf > 0 ? input[lf - 1] == (byte)'\r' : _lastWasCr && !_atLineStart;
            Count += lf + (crBefore ? 1 : 2);
            _lastWasCr = false;
            _atLineStart = true;
            input = input[(lf + 1)..];
        }
    }

    /// <summary>The whole count: <see cref="Count"/> plus the line end an unfinished last line gets.</summary>
    public readonly long Complete() => !_started || _atLineStart ? Count : Count + (_lastWasCr ? 1 : 2);

    /// <summary>The count of a whole stream, read from its current position to its end.</summary>
    public static async Task<long> OfAsync(Stream stream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var counter = new CrlfLength();
        byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0) counter.Write(buffer.AsSpan(0, read));
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
        return counter.Complete();
    }
}
