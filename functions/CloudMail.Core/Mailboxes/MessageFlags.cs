namespace CloudMail.Core.Mailboxes;

/// <summary>IMAP system flags (RFC 9051 §2.3.2). \Recent is session state and is not stored.</summary>
[Flags]
public enum MessageFlags
{
    None = 0,
    Seen = 1,
    Answered = 2,
    Flagged = 4,
    Deleted = 8,
    Draft = 16,
}

/// <summary>How a flag update combines with the stored flags (IMAP STORE FLAGS, +FLAGS, -FLAGS).</summary>
public enum FlagUpdateMode
{
    Replace,
    Add,
    Remove,
}

/// <summary>A flag change for a set of messages.</summary>
/// <param name="Keywords">User keywords (atoms such as <c>$Forwarded</c>), compared case-insensitively.</param>
public sealed record FlagUpdate(FlagUpdateMode Mode, MessageFlags Flags, IReadOnlyList<string> Keywords);
