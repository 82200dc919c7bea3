using System.Text;

namespace CloudMail.Storage.Azure.Tables;

/// <summary>
/// Escaping of arbitrary strings (addresses, mailbox names, idempotency keys) into Table PartitionKey/RowKey
/// values. Table keys forbid '/', '\', '#', '?' and control characters (U+0000–U+001F, U+007F–U+009F); those
/// become <c>%XX</c>, and so do '%' itself (the escape character) and ':' (the separator of composite keys
/// such as <c>alias:{local}:{target}</c>, so that a value containing ':' can never be mistaken for two parts).
/// The mapping is per character, so <c>Escape(a + b) == Escape(a) + Escape(b)</c>: a prefix of a value escapes to
/// a prefix of its escaped form, which is what range queries over children ("name/…") rely on.
/// </summary>
public static class TableKeys
{
    /// <summary>
    /// Longest PartitionKey or RowKey CloudMail writes, in characters. The service allows keys "up to 1 KiB"; counting
    /// every character as two bytes (UTF-16) keeps inside that whichever way it is counted (Azurite counts 1024
    /// characters). Longer values are stored under a hash instead (<see cref="Hash"/>).
    /// </summary>
    public const int MaxKeyLength = 512;

    /// <summary>The lower-case hex SHA-256 of <paramref name="value"/>'s UTF-8 (64 characters, key-safe).</summary>
    public static string Hash(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(value)));
    }

    /// <summary>The escaped form of <paramref name="value"/>; unchanged when it needs no escaping.</summary>
    public static string Escape(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        int first = IndexOfSpecial(value);
        if (first < 0) return value;
        var builder = new StringBuilder(value.Length + 16).Append(value, 0, first);
        for (int i = first; i < value.Length; i++)
        {
            char c = value[i];
            if (NeedsEscape(c)) builder.Append('%').Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            else builder.Append(c);
        }
        return builder.ToString();
    }

    /// <summary>Reverses <see cref="Escape"/>. Throws <see cref="FormatException"/> for a malformed escape.</summary>
    public static string Unescape(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!key.Contains('%', StringComparison.Ordinal)) return key;
        var builder = new StringBuilder(key.Length);
        for (int i = 0; i < key.Length; i++)
        {
            if (key[i] != '%')
            {
                builder.Append(key[i]);
                continue;
            }
            if (i + 2 >= key.Length || !byte.TryParse(key.AsSpan(i + 1, 2), System.Globalization.NumberStyles.AllowHexSpecifier, null, out byte code))
            {
                throw new FormatException($"Malformed escape at offset {i} of a table key.");
            }
            builder.Append((char)code);
            i += 2;
        }
        return builder.ToString();
    }

    /// <summary>
    /// The smallest string greater than every string that starts with <paramref name="prefix"/> (its last
    /// character incremented), for <c>RowKey ge prefix and RowKey lt upper</c> range queries.
    /// </summary>
    public static string UpperBound(string prefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        return string.Concat(prefix.AsSpan(0, prefix.Length - 1), ((char)(prefix[^1] + 1)).ToString());
    }

    /// <summary>True for characters Table keys forbid, plus '%' and ':'.</summary>
    public static bool NeedsEscape(char c) =>
        c is '%' or ':' or '/' or '\\' or '#' or '?' || c <= '\u001f' || c is >= '\u007f' and <= '\u009f';

    private static int IndexOfSpecial(string value)
    {
        for (int i = 0; i < value.Length; i++)
        {
            if (NeedsEscape(value[i])) return i;
        }
        return -1;
    }
}
