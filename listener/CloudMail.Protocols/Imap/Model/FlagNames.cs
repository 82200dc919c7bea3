namespace CloudMail.Protocols.Imap.Model;

/// <summary>System flag spellings (RFC 3501 §2.3.2).</summary>
public static class FlagNames
{
    public const string Seen = "\\Seen";
    public const string Answered = "\\Answered";
    public const string Flagged = "\\Flagged";
    public const string Deleted = "\\Deleted";
    public const string Draft = "\\Draft";
    public const string Recent = "\\Recent";

    /// <summary>"\*" in PERMANENTFLAGS: clients may create keywords (RFC 3501 §7.1).</summary>
    public const string AnyKeyword = "\\*";

    /// <summary>The canonical spelling of a system flag (flags are case-insensitive), or null for a keyword or unknown flag.</summary>
    public static string? CanonicalSystemFlag(string flag)
    {
        foreach (string f in (ReadOnlySpan<string>)[Seen, Answered, Flagged, Deleted, Draft, Recent])
            if (string.Equals(f, flag, StringComparison.OrdinalIgnoreCase)) return f;
        return null;
    }
}
