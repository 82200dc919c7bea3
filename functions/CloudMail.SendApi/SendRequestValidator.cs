using System.Buffers.Text;
using System.Text;
using CloudMail.Core.Messages;
using MimeKit;

namespace CloudMail.SendApi;

/// <summary>
/// Checks the values of a shape-checked <see cref="SendMessageRequest"/> and produces an
/// <see cref="OutgoingMessage"/>. Failures are 422 problems listing every field at fault, except a body
/// larger than <see cref="SendApiOptions.MaxMessageSize"/>, which is 413. Pure; never throws on client input.
/// Whether the sender may use the From domain is not checked here (that needs the API key: 403).
/// </summary>
public sealed class SendRequestValidator(SendApiOptions options)
{
    public Checked<OutgoingMessage> Validate(SendMessageRequest request)
    {
        var errors = new FieldErrors();
        var from = Required(request.From, "from", errors);
        var replyTo = request.ReplyTo is null ? null : Required(request.ReplyTo, "replyTo", errors);
        var to = Addresses(request.To, "to", errors);
        var cc = Addresses(request.Cc, "cc", errors);
        var bcc = Addresses(request.Bcc, "bcc", errors);
        var recipients = to.Concat(cc).Concat(bcc).Select(m => m.Address.ToLowerInvariant()).Distinct(StringComparer.Ordinal).ToList();
        if (recipients.Count == 0 && !errors.Any) errors.Add("to", "at least one recipient is required in to, cc or bcc");
        if (recipients.Count > options.MaxRecipients) errors.Add("to", $"at most {options.MaxRecipients} recipients (to, cc and bcc together) are allowed; got {recipients.Count}");

        string subject = request.Subject ?? string.Empty;
        if (HeaderRules.ValueProblem(subject) is { } subjectProblem) errors.Add("subject", subjectProblem);
        if (subject.Length > options.MaxSubjectLength) errors.Add("subject", $"must be at most {options.MaxSubjectLength} characters");

        string? text = string.IsNullOrEmpty(request.Text) ? null : request.Text;
        string? html = string.IsNullOrEmpty(request.Html) ? null : request.Html;
        var attachments = Attachments(request.Attachments, errors);
        if (text is null && html is null && request.Attachments.Count == 0)
            errors.Add("text", "the message needs a body: give text, html or attachments");
        var headers = Headers(request.Headers, errors);

        if (errors.Any)
            return Checked<OutgoingMessage>.Fail(ApiProblem.Invalid("The message is not valid: " + errors.Summary(), errors.ToDictionary()));

        long size = Encoding.UTF8.GetByteCount(text ?? "") + Encoding.UTF8.GetByteCount(html ?? "") + attachments.Sum(a => (long)a.Content.Length);
        if (size > options.MaxMessageSize)
            return Checked<OutgoingMessage>.Fail(ApiProblem.TooLarge(
                $"The message content is {size} bytes; at most {options.MaxMessageSize} bytes are accepted (before MIME encoding)."));

        return Checked<OutgoingMessage>.Ok(new OutgoingMessage(from!, to, cc, replyTo, subject, text, html, attachments, headers, recipients));
    }

    private static MailboxAddress? Required(string? text, string field, FieldErrors errors)
    {
        var mailbox = AddressRules.Parse(text, out string? problem);
        if (mailbox is null) errors.Add(field, text is null ? "is required" : problem!);
        return mailbox;
    }

    private static List<MailboxAddress> Addresses(IReadOnlyList<string> texts, string field, FieldErrors errors)
    {
        var list = new List<MailboxAddress>(texts.Count);
        for (int i = 0; i < texts.Count; i++)
        {
            var mailbox = AddressRules.Parse(texts[i], out string? problem);
            if (mailbox is null) errors.Add($"{field}[{i}]", problem!);
            else list.Add(mailbox);
        }
        return list;
    }

    private List<DecodedAttachment> Attachments(IReadOnlyList<SendAttachment> attachments, FieldErrors errors)
    {
        var list = new List<DecodedAttachment>(attachments.Count);
        if (attachments.Count > options.MaxAttachments)
        {
            errors.Add("attachments", $"at most {options.MaxAttachments} attachments are allowed; got {attachments.Count}");
            return list;
        }
        for (int i = 0; i < attachments.Count; i++)
        {
            var a = attachments[i];
            string path = $"attachments[{i}]";
            string? filename = CheckFilename(a.Filename, path + ".filename", errors);
            var contentType = ParseContentType(a.ContentType, path + ".contentType", errors);
            byte[]? content = Decode(a.ContentBase64, path + ".contentBase64", errors);
            if (filename is not null && contentType is not null && content is not null)
                list.Add(new DecodedAttachment(filename, contentType, content));
        }
        return list;
    }

    private static string? CheckFilename(string? filename, string field, FieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(filename)) errors.Add(field, "is required");
        else if (filename.Length > 255) errors.Add(field, "must be at most 255 characters");
        else if (HeaderRules.ValueProblem(filename) is not null || filename.IndexOfAny(['/', '\\']) >= 0)
            errors.Add(field, "must be a plain file name without line breaks, control characters or path separators");
        else return filename;
        return null;
    }

    private static ContentType? ParseContentType(string? text, string field, FieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(text)) return new ContentType("application", "octet-stream");
        if (HeaderRules.ValueProblem(text) is not null || !ContentType.TryParse(text, out var type) || type is null)
        {
            errors.Add(field, "must be a MIME type such as application/pdf");
            return null;
        }
        if (type.IsMimeType("multipart", "*") || type.IsMimeType("message", "*"))
        {
            errors.Add(field, $"{type.MimeType} cannot be attached as bytes; use application/octet-stream");
            return null;
        }
        return type;
    }

    private static byte[]? Decode(string? base64, string field, FieldErrors errors)
    {
        if (base64 is null)
        {
            errors.Add(field, "is required (the attachment's bytes in base64)");
            return null;
        }
        if (!Base64.IsValid(base64.AsSpan(), out int length))
        {
            errors.Add(field, "is not valid base64 (RFC 4648 §4, with padding)");
            return null;
        }
        var bytes = new byte[length];
        if (!Convert.TryFromBase64String(base64, bytes, out int written))
        {
            errors.Add(field, "is not valid base64 (RFC 4648 §4, with padding)");
            return null;
        }
        return written == length ? bytes : bytes[..written];
    }

    private List<KeyValuePair<string, string>> Headers(IReadOnlyList<KeyValuePair<string, string>> headers, FieldErrors errors)
    {
        var list = new List<KeyValuePair<string, string>>(headers.Count);
        if (headers.Count > options.MaxCustomHeaders)
        {
            errors.Add("headers", $"at most {options.MaxCustomHeaders} custom headers are allowed; got {headers.Count}");
            return list;
        }
        foreach (var (name, value) in headers)
        {
            string field = "headers." + name;
            if (!HeaderRules.IsValidName(name))
                errors.Add(field, "is not a valid header name (1-76 printable ASCII characters, no colon or space)");
            else if (HeaderRules.IsReserved(name))
                errors.Add(field, "is reserved: the server sets it (use the from/to/cc/bcc/replyTo/subject fields, or a different header)");
            else if (HeaderRules.ValueProblem(value) is { } problem)
                errors.Add(field, problem);
            else if (value.Length > HeaderRules.MaxValueLength)
                errors.Add(field, $"must be at most {HeaderRules.MaxValueLength} characters");
            else
                list.Add(new(name, value));
        }
        return list;
    }
}
