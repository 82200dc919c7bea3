namespace CloudMail.Core.SendApi;

/// <summary>Line-ending normalization for submitted messages (RFC 5322 §2.1: lines end in CRLF).</summary>
internal static class LineEndings
{
    /// <summary>Copies <paramref name="input"/>, turning every bare LF into CRLF (bare CR is left alone).</summary>
    public static byte[] ToCrLf(ReadOnlySpan<byte> input)
    {
        int bare = 0;
        for (int i = 0; i < input.Length; i++)
            if (input[i] == (byte)'\n' && (i == 0 || input[i - 1] != (byte)'\r')) bare++;
        if (bare == 0) return input.ToArray();
        var output = new byte[input.Length + bare];
        int o = 0;
        for (int i = 0; i < input.Length; i++)
        {
            if (input[i] == (byte)'\n' && (i == 0 || input[i - 1] != (byte)'\r')) output[o++] = (byte)'\r';
            output[o++] = input[i];
        }
        return output;
    }
}
