namespace CloudMail.Core.Messages;

/// <summary>
/// Finding and repairing bare LFs (an LF with no CR before it) in message bytes, RFC 5322 §2.1: lines end in CRLF. A
/// bare CR is left alone. <c>afterCr</c> says whether the byte before the span was a CR, for input read in chunks.
/// </summary>
public static class BareLineFeeds
{
    /// <summary>The index of the first bare LF at or after <paramref name="from"/>, or -1.</summary>
    public static int IndexOfNext(ReadOnlySpan<byte> input, int from, bool afterCr)
    {
        while (from < input.Length)
        {
            int lf = input[from..].IndexOf((byte)'\n');
            if (lf < 0) return -1;
            int at = from + lf;
            if (at == 0 ? !afterCr : input[at - 1] != (byte)'\r') return at;
            from = at + 1;
        }
        return -1;
    }

    /// <summary>How many bare LFs <paramref name="input"/> holds.</summary>
    public static int Count(ReadOnlySpan<byte> input, bool afterCr)
    {
        int count = 0;
        for (int at = IndexOfNext(input, 0, afterCr); at >= 0; at = IndexOfNext(input, at + 1, afterCr)) count++;
        return count;
    }

    /// <summary>
    /// Copies <paramref name="input"/> into <paramref name="output"/> (room for its length plus <see cref="Count"/>) with a
    /// CR before each bare LF; returns the bytes written.
    /// </summary>
    public static int CopyToCrLf(ReadOnlySpan<byte> input, Span<byte> output, bool afterCr)
    {
        int written = 0, start = 0;
        for (int at = IndexOfNext(input, 0, afterCr); at >= 0; at = IndexOfNext(input, at + 1, afterCr))
        {
            input[start..at].CopyTo(output[written..]);
            written += at - start;
            output[written++] = (byte)'\r';
            start = at; // the LF starts the next run
        }
        input[start..].CopyTo(output[written..]);
        return written + input.Length - start;
    }
}
