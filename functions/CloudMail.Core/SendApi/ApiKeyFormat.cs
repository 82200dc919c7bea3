using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace CloudMail.Core.SendApi;

/// <summary>
/// The API key wire format shared by every <see cref="Directory.IApiKeyStore"/> backend:
/// <c>cm_&lt;keyId&gt;_&lt;secret&gt;</c>, where keyId is 16 lower-case hex digits (8 random bytes) and the secret is
/// 32 random bytes in unpadded base64url (43 characters; it may itself contain '_' and '-').
/// The secret has 256 bits of entropy, so a single SHA-256 is a sufficient stored verifier (no slow KDF
/// is needed as it would be for passwords). Admin API keys (<see cref="Directory.IAdminKeyStore"/>) have the same shape
/// with <see cref="AdminPrefix"/>, so one kind of key can never be taken for the other.
/// </summary>
public static class ApiKeyFormat
{
    public const string Prefix = "cm_";

    /// <summary>The prefix of admin API keys: <c>cmadmin_&lt;keyId&gt;_&lt;secret&gt;</c>.</summary>
    public const string AdminPrefix = "cmadmin_";
    public const int KeyIdLength = 16;
    public const int SecretBytes = 32;

    /// <summary>Exact length of a well-formed key: prefix, id, separator and 43 base64url characters.</summary>
    public static readonly int KeyLength = Prefix.Length + KeyIdLength + 1 + Base64Url.GetEncodedLength(SecretBytes);

    /// <summary>A new random key id and secret, and the plaintext key built from them.</summary>
    public static (string KeyId, string Secret, string Key) NewKey() => NewKey(Prefix);

    /// <summary>A new random key id and secret, and the plaintext key built from them with <paramref name="prefix"/>.</summary>
    public static (string KeyId, string Secret, string Key) NewKey(string prefix)
    {
        string keyId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(KeyIdLength / 2));
        string secret = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(SecretBytes));
        return (keyId, secret, prefix + keyId + "_" + secret);
    }

    /// <summary>
    /// Splits a presented key into id and secret. False (never an exception) for anything not shaped
    /// exactly like a key this format produces.
    /// </summary>
    public static bool TryParse(string? key, out string keyId, out string secret) => TryParse(key, Prefix, out keyId, out secret);

    /// <summary>As <see cref="TryParse(string?, out string, out string)"/> for keys that start with <paramref name="prefix"/>.</summary>
    public static bool TryParse(string? key, string prefix, out string keyId, out string secret)
    {
        keyId = secret = string.Empty;
        if (key is null || key.Length != KeyLength - Prefix.Length + prefix.Length || !key.StartsWith(prefix, StringComparison.Ordinal)) return false;
        string id = key.Substring(prefix.Length, KeyIdLength);
        if (!IsKeyId(id) || key[prefix.Length + KeyIdLength] != '_') return false;
        string s = key[(prefix.Length + KeyIdLength + 1)..];
        foreach (char c in s)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')) return false;
        keyId = id;
        secret = s;
        return true;
    }

    /// <summary>True for a string shaped like a key id (16 lower-case hex digits).</summary>
    public static bool IsKeyId(string? keyId) =>
        keyId is { Length: KeyIdLength } && keyId.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');

    /// <summary>The stored verifier: lower-case hex SHA-256 of the secret's ASCII bytes.</summary>
    public static string HashSecret(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(secret)));

    /// <summary>Constant-time comparison of a presented secret with a stored verifier.</summary>
    public static bool SecretMatches(string secret, string storedHash)
    {
        Span<byte> presented = stackalloc byte[32];
        SHA256.HashData(Encoding.ASCII.GetBytes(secret), presented);
        Span<byte> stored = stackalloc byte[32];
        if (storedHash.Length != 64 || Convert.FromHexString(storedHash, stored, out _, out int written) != System.Buffers.OperationStatus.Done || written != 32)
            return false;
        return CryptographicOperations.FixedTimeEquals(presented, stored);
    }
}
