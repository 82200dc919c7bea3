using CloudMail.Core.Messages;

namespace CloudMail.Listener.MailFiles;

/// <summary>Line-end conversions between mail files (LF, as Unix tools write them) and stored messages (CRLF, RFC 5322 §2.1).</summary>
public static class LineEnds
{
    /// <summary>
    /// Every line ending in CRLF: a bare LF becomes CRLF, CRLF stays; a last line without a line end stays without one.
    /// Returns <paramref name="message"/> itself when there is nothing to change.
    /// </summary>
    public static byte[] ToCrLf(byte[] message)
    {
        int bare = BareLineFeeds.Count(message, afterCr: false);
        if (bare == 0) return message;
        var result = new byte[message.Length + bare];
        BareLineFeeds.CopyToCrLf(message, result, afterCr: false);
        return result;
    }

    /// <summary>The lines of <paramref name="message"/> without their CRLF or LF ends; a final line end adds no empty line.</summary>
    public static IEnumerable<ReadOnlyMemory<byte>> Lines(ReadOnlyMemory<byte> message)
    {
        int start = 0;
        while (start < message.Length)
        {
            int lf = message.Span[start..].IndexOf((byte)'\n');
            int end = lf < 0 ? message.Length : start + lf;
            int contentEnd = end > start && message.Span[end - 1] == (byte)'\r' ? end - 1 : end;
            yield return message[start..contentEnd];
            start = end + 1;
        }
    }
}
