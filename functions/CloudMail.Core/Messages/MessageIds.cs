using System.Security.Cryptography;

namespace CloudMail.Core.Messages;

/// <summary>Creates the internal message ids used as blob names, queue job ids and idempotency keys.</summary>
public static class MessageIds
{
    /// <summary>
    /// A new id: 12 hex digits of milliseconds since the Unix epoch (so ids sort by time) and 16 random hex
    /// digits. Safe as a file name, blob name and Table row key.
    /// </summary>
    public static string New()
    {
        Span<byte> random = stackalloc byte[8];
        RandomNumberGenerator.Fill(random);
        long ms = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        return ms.ToString("x12") + Convert.ToHexStringLower(random);
    }

    /// <summary>Length of the time prefix of an id (<see cref="New"/>).</summary>
    public const int TimePrefixLength = 12;

    /// <summary>
    /// The time prefix ids made at <paramref name="time"/> start with: ids made earlier compare below it (ordinal), later
    /// ones not below it.
    /// </summary>
    public static string TimePrefix(DateTimeOffset time) => time.ToUnixTimeMilliseconds().ToString("x12");

    /// <summary>True when <paramref name="id"/> starts like an id made before <paramref name="time"/> (see <see cref="TimePrefix"/>).</summary>
    public static bool MadeBefore(string id, DateTimeOffset time) =>
        id.Length >= TimePrefixLength && string.CompareOrdinal(id, 0, TimePrefix(time), 0, TimePrefixLength) < 0;

    /// <summary>True when <paramref name="id"/> has the shape <see cref="New"/> produces (hex only, 28 chars).</summary>
    public static bool IsValid(string? id) =>
        id is { Length: 28 } && id.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');
}
