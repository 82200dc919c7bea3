using MimeKit.Encodings;

namespace CloudMail.Listener.Imap.Messages;

/// <summary>Removes a body part's Content-Transfer-Encoding for BINARY (RFC 3516 §4.2).</summary>
internal static class TransferDecoding
{
    /// <summary>
    /// Whether BINARY can remove <paramref name="encoding"/>: the identity encodings (7bit, 8bit, binary; RFC 2045 §6.2)
    /// and the two that encode (base64, quoted-printable). Any other (x-uuencode, a typo) is answered with
    /// <c>NO [UNKNOWN-CTE]</c> (RFC 3516 §4.3), never with the encoded bytes presented as decoded.
    /// </summary>
    public static bool IsKnown(string encoding) =>
        encoding.ToUpperInvariant() is "" or "7BIT" or "8BIT" or "BINARY" or "BASE64" or "QUOTED-PRINTABLE";

    /// <summary>
    /// <paramref name="raw"/> with its Content-Transfer-Encoding removed (base64, quoted-printable); other encodings are
    /// returned as they are. Never throws on malformed input (MimeKit's decoders skip what they cannot read).
    /// </summary>
    public static byte[] Decode(byte[] raw, string encoding)
    {
        IMimeDecoder? decoder = encoding.ToUpperInvariant() switch
        {
            "BASE64" => new Base64Decoder(),
            "QUOTED-PRINTABLE" => new QuotedPrintableDecoder(),
            _ => null,
        };
        if (decoder is null) return raw;
        if (decoder is QuotedPrintableDecoder) raw = WithoutTrailingWhitespace(raw);
        var output = new byte[decoder.EstimateOutputLength(raw.Length)];
        int n = decoder.Decode(raw, 0, raw.Length, output);
        return output[..n];
    }

    /// <summary>
    /// RFC 2045 §6.7 rule (3): trailing white space on a quoted-printable line was added in transport and is deleted
    /// before decoding (which also makes "=" followed by padding a soft line break again).
    /// </summary>
    private static byte[] WithoutTrailingWhitespace(byte[] raw)
    {
        var output = new List<byte>(raw.Length);
        int lineStart = 0;
        for (int i = 0; i <= raw.Length; i++)
        {
            if (i < raw.Length && raw[i] != (byte)'\n') continue;
            int end = i > lineStart && raw[i - 1] == (byte)'\r' ? i - 1 : i;
            int trimmed = end;
            while (trimmed > lineStart && raw[trimmed - 1] is (byte)' ' or (byte)'\t') trimmed--;
            output.AddRange(raw.AsSpan(lineStart, trimmed - lineStart));
            output.AddRange(raw.AsSpan(end, Math.Min(i + 1, raw.Length) - end));
            lineStart = i + 1;
        }
        return [.. output];
    }
}
