using System.Security.Cryptography;
using MimeKit;
using MimeKit.Cryptography;

namespace CloudMail.Filtering.Dkim;

/// <summary>
/// The data a DKIM signature signs over the header (RFC 6376 §3.7): the fields named in h=, each the last not yet used
/// instance of its name counting from the bottom (§5.4.2; a name with no instance left adds nothing), canonicalized
/// (§3.4.1 simple, §3.4.2 relaxed), then the DKIM-Signature field itself with the value of b= emptied and no final line
/// ending. Works on the fields' raw bytes as MimeKit parsed them. Pure; never throws.
/// </summary>
public static class DkimHeaderHash
{
    /// <summary>
    /// Feeds the signed header data of <paramref name="signature"/> in <paramref name="message"/> to <paramref name="hash"/>.
    /// MimeKit keeps a message's Content-* fields with its body part, so those are looked up there.
    /// </summary>
    public static void Append(IncrementalHash hash, MimeMessage message, Header signature, IReadOnlyList<string> signedNames, DkimCanonicalizationAlgorithm canonicalization)
    {
        var used = new HashSet<Header>(ReferenceEqualityComparer.Instance);
        foreach (string name in signedNames)
        {
            var headers = name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase) ? message.Body?.Headers : message.Headers;
            if (headers is null) continue;
            for (int i = headers.Count - 1; i >= 0; i--)
            {
                if (used.Contains(headers[i]) || !headers[i].Field.Equals(name, StringComparison.OrdinalIgnoreCase)) continue;
                used.Add(headers[i]);
                hash.AppendData(Canonical(headers[i].RawField, headers[i].RawValue, canonicalization, last: false));
                break;
            }
        }
        hash.AppendData(Canonical(signature.RawField, WithoutSignatureValue(signature.RawValue), canonicalization, last: true));
    }

    /// <summary>One field canonicalized; <paramref name="last"/> leaves out the final CRLF (the signature field, §3.7).</summary>
    internal static byte[] Canonical(byte[] rawField, byte[] rawValue, DkimCanonicalizationAlgorithm canonicalization, bool last)
    {
        var output = new List<byte>(rawField.Length + rawValue.Length + 4);
        if (canonicalization == DkimCanonicalizationAlgorithm.Simple)
        {
            // Exactly as written, line endings as CRLF (a bare LF is how a CRLF reads from a file stored with LF).
            output.AddRange(rawField);
            output.Add((byte)':');
            int end = last ? TrimLineEnding(rawValue, rawValue.Length) : rawValue.Length;
            for (int i = 0; i < end; i++)
            {
                if (rawValue[i] == (byte)'\n' && (i == 0 || rawValue[i - 1] != (byte)'\r')) output.Add((byte)'\r');
                output.Add(rawValue[i]);
            }
            if (!last && !EndsWithLineEnding(rawValue)) { output.Add((byte)'\r'); output.Add((byte)'\n'); }
            return [.. output];
        }
        // §3.4.2: field name in lower case without WSP around it; value unfolded, WSP runs as one SP, none at either end.
        foreach (byte b in rawField.AsSpan().Trim(" \t"u8)) output.Add(b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b + 32) : b);
        output.Add((byte)':');
        bool pendingSpace = false, started = false;
        foreach (byte b in rawValue)
        {
            if (b is (byte)'\r' or (byte)'\n') continue;
            if (b is (byte)' ' or (byte)'\t') { pendingSpace = started; continue; }
            if (pendingSpace) output.Add((byte)' ');
            pendingSpace = false;
            started = true;
            output.Add(b);
        }
        if (!last) { output.Add((byte)'\r'); output.Add((byte)'\n'); }
        return [.. output];
    }

    /// <summary>The raw value with the b= tag's value removed (RFC 6376 §3.5 "b=", §3.7); other tags, bh= included, unchanged.</summary>
    internal static byte[] WithoutSignatureValue(byte[] rawValue)
    {
        int start = 0;
        while (start <= rawValue.Length)
        {
            int semicolon = Array.IndexOf(rawValue, (byte)';', start);
            int end = semicolon < 0 ? rawValue.Length : semicolon;
            int eq = Array.IndexOf(rawValue, (byte)'=', start, end - start);
            if (eq > 0 && IsTagB(rawValue.AsSpan(start, eq - start)))
            {
                int valueEnd = semicolon >= 0 ? semicolon : TrimLineEnding(rawValue, rawValue.Length);
                return [.. rawValue.AsSpan(0, eq + 1), .. rawValue.AsSpan(valueEnd)];
            }
            if (semicolon < 0) break;
            start = semicolon + 1;
        }
        return rawValue;
    }

    private static bool IsTagB(ReadOnlySpan<byte> name)
    {
        var trimmed = name.Trim(" \t\r\n"u8);
        return trimmed.Length == 1 && trimmed[0] == (byte)'b';
    }

    private static bool EndsWithLineEnding(byte[] value) => value.Length > 0 && value[^1] == (byte)'\n';

    private static int TrimLineEnding(byte[] value, int end)
    {
        if (end > 0 && value[end - 1] == (byte)'\n') end--;
        if (end > 0 && value[end - 1] == (byte)'\r') end--;
        return end;
    }
}
