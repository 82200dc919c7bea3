using System.Globalization;
using CloudMail.Protocols.Dates;

namespace CloudMail.Listener.MailFiles;

/// <summary>
/// The separator line of an mbox file, <c>From sender date</c> (RFC 4155 §2), where the date is C's asctime form
/// (<c>Wed Dec  4 05:17:37 2026</c>), as mutt, Postfix's local(8), procmail and Dovecot write it. Also read: a numeric
/// zone before or after the year (<c>Mon Jan 01 00:00:00 +0000 2020</c>, as in Google Takeout files) and the time
/// without seconds. A date without a zone is taken as UTC, the zone <see cref="Format"/> writes.
/// </summary>
public static class MboxFromLine
{
    private static readonly string[] Days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    private static readonly string[] Months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    /// <summary>The date of a separator line, or null when it has none that can be read. Never throws.</summary>
    public static DateTimeOffset? TryParseDate(string fromLine)
    {
        string[] words = fromLine.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        for (int i = 2; i + 4 <= words.Length; i++) // words[0] is "From", words[1] the sender (the date's day name comes later)
        {
            if (!Days.Contains(words[i], StringComparer.OrdinalIgnoreCase)) continue;
            int month = Array.FindIndex(Months, m => m.Equals(words[i + 1], StringComparison.OrdinalIgnoreCase)) + 1;
            if (month == 0 || !int.TryParse(words[i + 2], NumberStyles.None, CultureInfo.InvariantCulture, out int day)) continue;
            if (!TimeOnly.TryParseExact(words[i + 3], ["HH:mm:ss", "H:mm:ss", "HH:mm", "H:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out TimeOnly time)) continue;
            if (YearAndZone(words.AsSpan(i + 4)) is not var (year, offset)) continue;
            if (day < 1 || year < 1 || year > 9999 || day > DateTime.DaysInMonth(year, month)) continue;
            if (ZonedTime.TryCreate(new DateOnly(year, month, day).ToDateTime(time), offset, out var date)) return date;
        }
        return null;
    }

    /// <summary><c>From SENDER DATE</c> with the date in UTC, asctime form; an empty sender is written <c>MAILER-DAEMON</c>.</summary>
    public static string Format(string? sender, DateTimeOffset date)
    {
        string who = string.IsNullOrWhiteSpace(sender) || sender.Any(c => c <= ' ' || c >= 127) ? "MAILER-DAEMON" : sender;
        DateTime utc = date.UtcDateTime;
        return $"From {who} {Days[(int)utc.DayOfWeek]} {Months[utc.Month - 1]} {utc.Day,2} {utc.ToString("HH:mm:ss", CultureInfo.InvariantCulture)} {utc.Year}";
    }

    /// <summary>The year and the optional numeric zone around it (<c>2020</c>, <c>2020 +0200</c>, <c>+0000 2020</c>).</summary>
    private static (int Year, TimeSpan Offset)? YearAndZone(ReadOnlySpan<string> rest)
    {
        TimeSpan offset = TimeSpan.Zero;
        int? year = null;
        for (int k = 0; k < Math.Min(2, rest.Length); k++)
        {
            if (year is null && rest[k].Length == 4 && int.TryParse(rest[k], NumberStyles.None, CultureInfo.InvariantCulture, out int y)) year = y;
            else if (Zone(rest[k]) is { } zone) offset = zone;
            else break;
        }
        return year is { } found ? (found, offset) : null;
    }

    private static TimeSpan? Zone(string word)
    {
        if (word.Length != 5 || word[0] is not ('+' or '-')) return null;
        if (!int.TryParse(word.AsSpan(1, 2), NumberStyles.None, CultureInfo.InvariantCulture, out int h)) return null;
        if (!int.TryParse(word.AsSpan(3, 2), NumberStyles.None, CultureInfo.InvariantCulture, out int m) || h > 14 || m > 59) return null;
        var zone = new TimeSpan(h, m, 0);
        return word[0] == '-' ? -zone : zone;
    }
}
