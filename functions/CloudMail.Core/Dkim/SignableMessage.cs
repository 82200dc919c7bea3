using System.Security.Cryptography;
using System.Text;
using MimeKit;

namespace CloudMail.Core.Dkim;

/// <summary>
/// A stored message parsed for signing (DKIM, ARC), with what is needed to make sure the signature covers the stored
/// bytes: a signature covers what MimeKit writes, and the receiver verifies the bytes we send, so a message MimeKit
/// would not write back byte for byte must go out unsigned rather than with a signature that cannot verify.
/// </summary>
internal sealed class SignableMessage : IDisposable
{
    private static readonly FormatOptions Crlf = new() { NewLineFormat = NewLineFormat.Dos };
    private readonly byte[] _originalSha256;

    private SignableMessage(MimeMessage message, byte[] originalSha256)
    {
        Message = message;
        _originalSha256 = originalSha256;
    }

    /// <summary>The format signers must write with (CRLF line ends, as stored).</summary>
    public static FormatOptions Format => Crlf;

    public MimeMessage Message { get; }

    /// <summary>Parses <paramref name="stored"/> (read to its end, not disposed); null when it has no header block MimeKit can read.</summary>
    public static async Task<SignableMessage?> LoadAsync(Stream stored, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stored);
        using var originalHash = SHA256.Create();
        MimeMessage parsed;
        await using (var hashing = new CryptoStream(stored, originalHash, CryptoStreamMode.Read, leaveOpen: true))
        {
            try
            {
                parsed = await new MimeParser(hashing, MimeFormat.Entity).ParseMessageAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (FormatException)
            {
                return null;
            }
            await hashing.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
        }
        return new SignableMessage(parsed, originalHash.Hash!);
    }

    /// <summary>Whether MimeKit writes the message back as the bytes it was parsed from (call before adding any field).</summary>
    public bool WritesBackUnchanged()
    {
        using var written = SHA256.Create();
        using (var hashing = new CryptoStream(Stream.Null, written, CryptoStreamMode.Write))
        {
            Message.WriteTo(Crlf, hashing);
        }
        return CryptographicOperations.FixedTimeEquals(written.Hash, _originalSha256);
    }

    /// <summary>
    /// The header fields a signer added on top of <see cref="Message"/> (the first <paramref name="count"/>), removed from
    /// it and returned as text in order, each with CRLF line ends (relaxed canonicalization ignores how it is folded).
    /// </summary>
    public string TakeTopFields(int count)
    {
        var fields = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            Header header = Message.Headers[0];
            Message.Headers.RemoveAt(0);
            fields.Append(FieldText(header));
        }
        return fields.ToString();
    }

    /// <summary>The header fields present in the message (MimeKit keeps the top-level Content-* fields with the body entity).</summary>
    public List<string> Present(IEnumerable<string> names) =>
        [.. names.Where(name => Message.Headers.Contains(name) || Message.Body?.Headers.Contains(name) == true)];

    private static string FieldText(Header header)
    {
        string value = Encoding.ASCII.GetString(header.RawValue).Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal);
        if (!value.EndsWith("\r\n", StringComparison.Ordinal)) value += "\r\n";
        return header.Field + ":" + value;
    }

    public void Dispose() => Message.Dispose();
}
