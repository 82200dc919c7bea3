using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CloudMail.Core.Auth;

/// <summary>
/// Salted slow password hashes: PBKDF2-HMAC-SHA256, 16-byte random salt, 32-byte key, stored as
/// <c>$pbkdf2-sha256$ITERATIONS$SALT_B64$HASH_B64</c>. Verification is constant-time and accepts any
/// iteration count the string carries, so the default can be raised without invalidating old hashes.
/// </summary>
public static class PasswordHasher
{
    /// <summary>
    /// Default work factor: OWASP's current guidance for PBKDF2-HMAC-SHA256 (Password Storage Cheat Sheet, 600,000). Its
    /// cost is paid once per account and password: <see cref="VerifiedCredentialCache"/> makes repeated logins cheap.
    /// </summary>
    public const int DefaultIterations = 600_000;

    private const string Prefix = "$pbkdf2-sha256$";

    /// <summary>Hashes <paramref name="password"/> with a fresh salt. Throws <see cref="ArgumentException"/> for an empty password.</summary>
    public static string Hash(string password, int iterations = DefaultIterations)
    {
        if (string.IsNullOrEmpty(password)) throw new ArgumentException("Password must not be empty.", nameof(password));
        byte[] salt = RandomNumberGenerator.GetBytes(16);
        byte[] key = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, 32);
        return string.Create(CultureInfo.InvariantCulture,
            $"{Prefix}{iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(key)}");
    }

    /// <summary>The iteration count <paramref name="hash"/> was made with, or null when it is not a hash of this format.</summary>
    public static int? IterationsOf(string hash)
    {
        if (!hash.StartsWith(Prefix, StringComparison.Ordinal)) return null;
        string rest = hash[Prefix.Length..];
        int end = rest.IndexOf('$', StringComparison.Ordinal);
        return end > 0 && int.TryParse(rest.AsSpan(0, end), NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : null;
    }

    /// <summary>True when <paramref name="password"/> matches <paramref name="hash"/>. Never throws; a malformed hash never matches.</summary>
    public static bool Verify(string password, string hash)
    {
        if (string.IsNullOrEmpty(password) || !hash.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        string[] parts = hash[Prefix.Length..].Split('$');
        if (parts.Length != 3 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int iterations)
            || iterations is < 1 or > 10_000_000) return false;
        try
        {
            byte[] salt = Convert.FromBase64String(parts[1]);
            byte[] expected = Convert.FromBase64String(parts[2]);
            byte[] actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, expected.Length);
            return CryptographicOperations.FixedTimeEquals(actual, expected);
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
