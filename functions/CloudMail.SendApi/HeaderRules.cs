namespace CloudMail.SendApi;

/// <summary>
/// What a client may put in a custom header (<c>headers</c> in the JSON body). Names follow RFC 5322 §2.2
/// (printable US-ASCII except colon). Values must not contain CR or LF, which is the whole of header
/// injection: a line break would end the field and start one the client chose (RFC 5322 §2.2.3 folding is
/// done by the server, never taken from the client). Fields the server owns, or that would change routing,
/// MIME structure or authentication results, are reserved.
/// </summary>
public static class HeaderRules
{
    /// <summary>Longest header name accepted (so that name and colon fit the 78-character line of RFC 5322 §2.1.1).</summary>
    public const int MaxNameLength = 76;

    /// <summary>Longest value accepted, in characters; the server folds it (RFC 5322 §2.1.1 limit is per line).</summary>
    public const int MaxValueLength = 998;

    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        // Set from JSON fields or by the server (RFC 5322 §3.6).
        "From", "Sender", "To", "Cc", "Bcc", "Reply-To", "Subject", "Date", "Message-ID",
        // Trace and routing (RFC 5321 §4.4), delivery (RFC 9228), authentication (RFC 8601, RFC 6376, RFC 8617, RFC 7208).
        "Received", "Return-Path", "Delivered-To", "Authentication-Results", "DKIM-Signature", "Received-SPF",
        // MIME structure is built by the server (RFC 2045 §4).
        "MIME-Version",
    };

    private static readonly string[] ReservedPrefixes = ["Content-", "Resent-", "ARC-"];

    /// <summary>True for an RFC 5322 field name: 1..76 characters from %d33-57 / %d59-126.</summary>
    public static bool IsValidName(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength) return false;
        foreach (char c in name)
            if (c < '!' || c > '~' || c == ':') return false;
        return true;
    }

    /// <summary>True when the server owns the field, so a client may not set it through <c>headers</c>.</summary>
    public static bool IsReserved(string name) =>
        Reserved.Contains(name) || ReservedPrefixes.Any(p => name.StartsWith(p, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Why <paramref name="value"/> cannot be (part of) a header value, or null when it can. CR and LF are refused
    /// (header injection), and so are other control characters except horizontal tab. Length is not checked here.
    /// </summary>
    public static string? ValueProblem(string value)
    {
        foreach (char c in value)
        {
            if (c is '\r' or '\n') return "must not contain CR or LF (line breaks would inject header fields)";
            if (c < ' ' && c != '\t' || c == '\u007f') return "must not contain control characters";
        }
        return null;
    }
}
