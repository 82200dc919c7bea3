namespace CloudMail.Core.Routing;

/// <summary>
/// The TT field of an SRS0 address (the Sender Rewriting Scheme of Shevek's "SRS" paper and libsrs2): days since the
/// Unix epoch modulo <see cref="Slots"/>, as two base32 characters (RFC 4648 §6 alphabet, read case-insensitively).
/// </summary>
public static class SrsTimestamp
{
    /// <summary>Distinct timestamps before they repeat (10 bits: about 2.8 years).</summary>
    public const int Slots = 1024;

    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    /// <summary>The timestamp of <paramref name="now"/>'s UTC day.</summary>
    public static string Format(DateTimeOffset now)
    {
        int slot = Slot(now);
        return string.Create(2, slot, static (span, s) =>
        {
            span[0] = Alphabet[s >> 5];
            span[1] = Alphabet[s & 31];
        });
    }

    /// <summary>
    /// Age in whole days of <paramref name="timestamp"/> at <paramref name="now"/> (0 for today), or null when it is not
    /// two base32 characters. Ages wrap every <see cref="Slots"/> days, so an old enough address looks young again;
    /// the hash still ties it to this server.
    /// </summary>
    public static int? AgeInDays(string timestamp, DateTimeOffset now)
    {
        if (timestamp.Length != 2) return null;
        int high = Alphabet.IndexOf(char.ToUpperInvariant(timestamp[0]));
        int low = Alphabet.IndexOf(char.ToUpperInvariant(timestamp[1]));
        if (high < 0 || low < 0) return null;
        return (Slot(now) - (high << 5 | low) + Slots) % Slots;
    }

    private static int Slot(DateTimeOffset now) => (int)(now.ToUnixTimeSeconds() / 86_400 % Slots);
}
