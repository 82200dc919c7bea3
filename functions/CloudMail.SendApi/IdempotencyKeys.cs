using System.Security.Cryptography;
using System.Text;
using CloudMail.Core.Messages;

namespace CloudMail.SendApi;

/// <summary>
/// The <c>Idempotency-Key</c> request header: a client-chosen string that makes a retried POST map to the
/// message the first attempt created. The message id is derived from (API key id, Idempotency-Key), so the
/// same client string under two different keys never collides, and no lookup table is needed.
/// </summary>
public static class IdempotencyKeys
{
    private static readonly byte[] Label = Encoding.ASCII.GetBytes("cloudmail/send-api/idempotency/v1\n");

    /// <summary>
    /// Why <paramref name="value"/> cannot be an Idempotency-Key, or null when it can: 1 to
    /// <paramref name="maxLength"/> printable US-ASCII characters (space allowed inside).
    /// </summary>
    public static string? Problem(string value, int maxLength)
    {
        if (value.Length == 0 || value.Trim().Length == 0) return "The Idempotency-Key header is empty; send a unique string per message (e.g. a UUID) or omit the header.";
        if (value.Length > maxLength) return $"The Idempotency-Key header must be at most {maxLength} characters.";
        foreach (char c in value)
            if (c < ' ' || c > '~') return "The Idempotency-Key header must consist of printable ASCII characters.";
        return null;
    }

    /// <summary>
    /// The message id for (<paramref name="keyId"/>, <paramref name="idempotencyKey"/>): the first 14 bytes of a
    /// SHA-256 over a fixed label and both values, as 28 lower-case hex digits, so that
    /// <see cref="MessageIds.IsValid"/> holds. Unlike <see cref="MessageIds.New"/> these ids do not sort by time.
    /// </summary>
    public static string DeriveMessageId(string keyId, string idempotencyKey)
    {
        // The key id never contains '\n' (it is hex), so the separator keeps (id, key) pairs unambiguous.
        byte[] input = [.. Label, .. Encoding.UTF8.GetBytes(keyId), (byte)'\n', .. Encoding.UTF8.GetBytes(idempotencyKey)];
        return Convert.ToHexStringLower(SHA256.HashData(input).AsSpan(0, 14));
    }
}
