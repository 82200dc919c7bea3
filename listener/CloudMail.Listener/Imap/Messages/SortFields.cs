using CloudMail.Core.Mailboxes.Structure;
using System.Text;
using CloudMail.Protocols.Imap.Sorting;
using MimeKit;
using MimeKit.Utils;

namespace CloudMail.Listener.Imap.Messages;

/// <summary>
/// What SORT and THREAD compare, read from a matched message's parsed header (RFC 5256 §2, §3; RFC 5957 §3). Addresses
/// come from the same parse as FETCH ENVELOPE, so a client sorting locally by the envelope gets the same order.
/// </summary>
internal static class SortFields
{
    /// <summary>
    /// What SORT and THREAD read from <paramref name="m"/>'s header (its structure must be loaded; without one every value
    /// is empty), kept by <see cref="MessageOrderCache"/>.
    /// </summary>
    public static MessageOrderValues OrderValues(SearchSubject m)
    {
        var envelope = m.Structure?.Message.Envelope;
        var headers = m.Structure?.Headers;
        return new MessageOrderValues(
            MessageSearch.HeaderDate(m),
            Subject(m),
            Mailbox(envelope?.From),
            Mailbox(envelope?.To),
            Mailbox(envelope?.Cc),
            Display(envelope?.From),
            Display(envelope?.To),
            headers?[HeaderId.MessageId] is { } id ? MessageIds(id).FirstOrDefault() : null,
            References(headers));
    }

    /// <summary>The sort values of <paramref name="m"/> with its header's <paramref name="values"/>.</summary>
    public static SortableMessage Sortable(SearchSubject m, MessageOrderValues values) =>
        new(m.Seq, m.Record.Uid, m.Record.InternalDate, values.HeaderDate ?? m.Record.InternalDate, m.Record.Size, values.Subject.Text,
            values.From, values.To, values.Cc, values.DisplayFrom, values.DisplayTo);

    /// <summary>The threading view of <paramref name="m"/>, numbered by UID or sequence number as the answer shows it.</summary>
    public static ThreadMessage Threadable(SearchSubject m, MessageOrderValues values, bool uid) =>
        new(uid ? m.Record.Uid : (uint)m.Seq, values.MessageId, values.References, values.Subject, values.HeaderDate ?? m.Record.InternalDate, m.Seq);

    /// <summary>The base subject of the decoded Subject field (RFC 5256 §2.1 step 1 decodes RFC 2047 words first).</summary>
    private static BaseSubjectResult Subject(SearchSubject m) => BaseSubject.Extract(m.Structure?.Headers[HeaderId.Subject]);

    /// <summary>RFC 5256 §3 FROM/TO/CC: the addr-mailbox (local part, or a group's name) of the first address.</summary>
    private static string Mailbox(IReadOnlyList<ImapAddress>? addresses) => addresses is [var first, ..] ? first.Mailbox ?? "" : "";

    /// <summary>
    /// RFC 5957 §3: the first address's RFC 2047-decoded display name when it has one, else its addr-spec. A group
    /// (which has no addr-spec) shows its name: deliberate, it is what a client displays for it.
    /// </summary>
    private static string Display(IReadOnlyList<ImapAddress>? addresses)
    {
        if (addresses is not [var first, ..]) return "";
        if (first.Name is { } name && Rfc2047.DecodePhrase(Encoding.UTF8.GetBytes(name)).Trim() is { Length: > 0 } decoded) return decoded;
        if (first.Host is null) return first.Mailbox ?? "";
        return first.Host.Length == 0 ? first.Mailbox ?? "" : $"{first.Mailbox}@{first.Host}";
    }

    /// <summary>
    /// RFC 5256 §3 REFERENCES: the message IDs of References; when it has none, the first message ID of In-Reply-To.
    /// Message IDs are compared without their angle brackets, case-sensitively.
    /// </summary>
    private static IReadOnlyList<string> References(HeaderList? headers)
    {
        if (headers is null) return [];
        if (headers[HeaderId.References] is { } references && MessageIds(references).ToList() is { Count: > 0 } ids) return ids;
        return headers[HeaderId.InReplyTo] is { } inReplyTo && MessageIds(inReplyTo).FirstOrDefault() is { } parent ? [parent] : [];
    }

    private static IEnumerable<string> MessageIds(string value) => MimeUtils.EnumerateReferences(value);
}
