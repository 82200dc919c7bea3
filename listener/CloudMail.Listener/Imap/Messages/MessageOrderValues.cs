using CloudMail.Protocols.Imap.Sorting;

namespace CloudMail.Listener.Imap.Messages;

/// <summary>
/// What SORT and THREAD compare of one stored message that its header decides (RFC 5256 §2, §3; RFC 5957 §3); the
/// values that depend on the mailbox (sequence number, UID, internal date, size) are added per command.
/// </summary>
/// <param name="HeaderDate">The Date field's time, null when it has none or none that parses (the internal date counts then).</param>
internal sealed record MessageOrderValues(
    DateTimeOffset? HeaderDate,
    BaseSubjectResult Subject,
    string From,
    string To,
    string Cc,
    string DisplayFrom,
    string DisplayTo,
    string? MessageId,
    IReadOnlyList<string> References)
{
    /// <summary>A message whose header is not read (SORT by ARRIVAL or SIZE only): no date, every string empty.</summary>
    public static MessageOrderValues None { get; } = new(null, BaseSubject.Extract(null), "", "", "", "", "", null, []);
}
