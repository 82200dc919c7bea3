using System.Globalization;

namespace CloudMail.Core.Quotas;

/// <summary>
/// Sizes as administrators write them: a whole number of bytes, or with a binary unit suffix K, M, G or T (KiB, MiB,
/// GiB, TiB; an optional trailing B or iB is accepted, case-insensitive): <c>500M</c>, <c>2G</c>, <c>1.5G</c>, <c>0</c>.
/// Pure; never throws on input.
/// </summary>
public static class StorageSize
{
    private static readonly (string Suffix, long Factor)[] Units = [("T", 1L << 40), ("G", 1L << 30), ("M", 1L << 20), ("K", 1L << 10)];

    /// <summary>Parses <paramref name="text"/>; false for anything else (negative, too large, unknown unit).</summary>
    public static bool TryParse(string? text, out long bytes)
    {
        bytes = 0;
        string s = (text ?? "").Trim().ToUpperInvariant();
        if (s.EndsWith("IB", StringComparison.Ordinal)) s = s[..^2];
        else if (s.EndsWith('B')) s = s[..^1];
        long factor = 1;
        foreach (var (suffix, f) in Units)
        {
            if (!s.EndsWith(suffix, StringComparison.Ordinal)) continue;
            factor = f;
            s = s[..^1];
            break;
        }
        if (s.Length == 0 || !decimal.TryParse(s, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal number)) return false;
        decimal value = decimal.Round(number * factor);
        if (value > long.MaxValue) return false;
        bytes = (long)value;
        return true;
    }

    /// <summary><paramref name="bytes"/> in the largest unit it is a whole multiple of: <c>2G</c>, <c>500M</c>, <c>1536</c>.</summary>
    public static string Format(long bytes)
    {
        if (bytes != 0)
        {
            foreach (var (suffix, factor) in Units)
                if (bytes % factor == 0) return (bytes / factor).ToString(CultureInfo.InvariantCulture) + suffix;
        }
        return bytes.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary><paramref name="bytes"/> for people: <c>1.5 GiB</c>, <c>320 KiB</c>, <c>12 B</c>.</summary>
    public static string Describe(long bytes)
    {
        foreach (var (suffix, factor) in Units)
            if (bytes >= factor) return (bytes / (double)factor).ToString("0.#", CultureInfo.InvariantCulture) + " " + suffix + "iB";
        return bytes.ToString(CultureInfo.InvariantCulture) + " B";
    }
}
