namespace CloudMail.SendApi;

/// <summary>
/// The JSON body of <c>POST /api/v1/messages</c> as the client sent it, after shape checks but before
/// value checks (<see cref="SendRequestValidator"/>). Field names on the wire are the camelCase names in
/// the parameter docs.
/// </summary>
/// <param name="From"><c>from</c>: one mailbox, <c>addr@domain</c> or <c>Name &lt;addr@domain&gt;</c>; its domain must be the key's.</param>
/// <param name="To"><c>to</c>: mailboxes (a single string is accepted too).</param>
/// <param name="Cc"><c>cc</c>: mailboxes, shown in the Cc header.</param>
/// <param name="Bcc"><c>bcc</c>: mailboxes, in the envelope only, never in the stored message.</param>
/// <param name="ReplyTo"><c>replyTo</c>: one mailbox.</param>
/// <param name="Subject"><c>subject</c>.</param>
/// <param name="Text"><c>text</c>: the text/plain body.</param>
/// <param name="Html"><c>html</c>: the text/html body.</param>
/// <param name="Attachments"><c>attachments</c>.</param>
/// <param name="Headers"><c>headers</c>: extra header fields as name → value, in the order given.</param>
public sealed record SendMessageRequest(
    string? From,
    IReadOnlyList<string> To,
    IReadOnlyList<string> Cc,
    IReadOnlyList<string> Bcc,
    string? ReplyTo,
    string? Subject,
    string? Text,
    string? Html,
    IReadOnlyList<SendAttachment> Attachments,
    IReadOnlyList<KeyValuePair<string, string>> Headers);

/// <summary>One attachment: <c>{filename, contentType, contentBase64}</c>.</summary>
/// <param name="ContentType">MIME type; <c>application/octet-stream</c> when absent.</param>
/// <param name="ContentBase64">The bytes, standard base64 (RFC 4648 §4); whitespace is ignored.</param>
public sealed record SendAttachment(string? Filename, string? ContentType, string? ContentBase64);
