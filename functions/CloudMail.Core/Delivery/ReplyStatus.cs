namespace CloudMail.Core.Delivery;

/// <summary>
/// The RFC 3463 status code of an SMTP reply line, for a DSN's Status field (RFC 3464 §2.3.4). Pure; never throws.
/// </summary>
public static class ReplyStatus
{
    /// <summary>
    /// The enhanced status code after the reply code (<c>550 5.1.1 no such user</c> → <c>5.1.1</c>, RFC 2034 §4), else
    /// one derived from the reply code's class (<c>4.0.0</c>, <c>5.0.0</c>; <c>2.0.0</c> for success), else
    /// <paramref name="fallback"/>.
    /// </summary>
    public static string Of(string? reply, string fallback)
    {
        if (string.IsNullOrEmpty(reply) || reply.Length < 3 || !char.IsAsciiDigit(reply[0])) return fallback;
        char cls = reply[0];
        string[] words = reply.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
        if (words.Length >= 2 && IsEnhanced(words[1]) && words[1][0] == cls) return words[1];
        return cls is '2' or '4' or '5' ? $"{cls}.0.0" : fallback;
    }

    /// <summary>class "." subject "." detail (RFC 3463 §2): class 2, 4 or 5, then 1–3 and 1–3 digits.</summary>
    private static bool IsEnhanced(string word)
    {
        string[] parts = word.Split('.');
        return parts.Length == 3 && parts[0] is "2" or "4" or "5"
            && parts[1].Length is >= 1 and <= 3 && parts[1].All(char.IsAsciiDigit)
            && parts[2].Length is >= 1 and <= 3 && parts[2].All(char.IsAsciiDigit);
    }
}
