using System.Text.Json;

namespace CloudMail.SendApi;

/// <summary>
/// Reads the JSON body of a send request into a <see cref="SendMessageRequest"/>, checking only its shape:
/// an object with known fields of the right JSON types. Unknown fields are refused rather than ignored, so
/// a typo (<c>"too"</c>) is reported instead of silently sending a message without recipients.
/// Pure; never throws on client input: every defect becomes a 400 problem listing all defects found.
/// </summary>
public static class JsonRequestReader
{
    private static readonly string[] Fields = ["from", "to", "cc", "bcc", "replyTo", "subject", "text", "html", "attachments", "headers"];
    private static readonly string[] AttachmentFields = ["filename", "contentType", "contentBase64"];
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 16 };

    public static Checked<SendMessageRequest> Read(ReadOnlyMemory<byte> utf8Json)
    {
        if (utf8Json.IsEmpty)
            return Checked<SendMessageRequest>.Fail(ApiProblem.Malformed("The request body is empty; send a JSON object with from, to and a body."));
        if (!System.Text.Unicode.Utf8.IsValid(utf8Json.Span))
            return Checked<SendMessageRequest>.Fail(ApiProblem.Malformed("The request body is not valid UTF-8; send JSON encoded as UTF-8."));
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8Json, DocumentOptions);
        }
        catch (JsonException e)
        {
            return Checked<SendMessageRequest>.Fail(ApiProblem.Malformed(
                $"The request body is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}): {FirstSentence(e.Message)}"));
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                return Checked<SendMessageRequest>.Fail(ApiProblem.Malformed($"The request body must be a JSON object, not {Describe(document.RootElement)}."));
            var errors = new FieldErrors();
            var request = ReadRequest(document.RootElement, errors);
            return errors.Any
                ? Checked<SendMessageRequest>.Fail(ApiProblem.Malformed("The JSON body does not have the documented shape: " + errors.Summary(), errors.ToDictionary()))
                : Checked<SendMessageRequest>.Ok(request);
        }
    }

    private static SendMessageRequest ReadRequest(JsonElement root, FieldErrors errors)
    {
        string? from = null, replyTo = null, subject = null, text = null, html = null;
        IReadOnlyList<string> to = [], cc = [], bcc = [];
        IReadOnlyList<SendAttachment> attachments = [];
        IReadOnlyList<KeyValuePair<string, string>> headers = [];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in root.EnumerateObject())
        {
            string name = property.Name;
            if (!seen.Add(name))
            {
                errors.Add(name, "appears more than once");
                continue;
            }
            var value = property.Value;
            switch (name)
            {
                case "from": from = ReadString(value, name, errors); break;
                case "replyTo": replyTo = ReadString(value, name, errors); break;
                case "subject": subject = ReadString(value, name, errors); break;
                case "text": text = ReadString(value, name, errors); break;
                case "html": html = ReadString(value, name, errors); break;
                case "to": to = ReadAddressList(value, name, errors); break;
                case "cc": cc = ReadAddressList(value, name, errors); break;
                case "bcc": bcc = ReadAddressList(value, name, errors); break;
                case "attachments": attachments = ReadAttachments(value, errors); break;
                case "headers": headers = ReadHeaders(value, errors); break;
                default: errors.Add(name, UnknownField(name, Fields)); break;
            }
        }
        return new SendMessageRequest(from, to, cc, bcc, replyTo, subject, text, html, attachments, headers);
    }

    private static string? ReadString(JsonElement value, string field, FieldErrors errors)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String: return value.GetString();
            case JsonValueKind.Null: return null;
            default:
                errors.Add(field, $"must be a string, not {Describe(value)}");
                return null;
        }
    }

    /// <summary>An array of strings; a single string is accepted as a one-element list (deliberate leniency).</summary>
    private static IReadOnlyList<string> ReadAddressList(JsonElement value, string field, FieldErrors errors)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Null: return [];
            case JsonValueKind.String: return [value.GetString()!];
            case JsonValueKind.Array:
                var list = new List<string>();
                int i = 0;
                foreach (var item in value.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.String) list.Add(item.GetString()!);
                    else errors.Add($"{field}[{i}]", $"must be a string address, not {Describe(item)}");
                    i++;
                }
                return list;
            default:
                errors.Add(field, $"must be an array of address strings, not {Describe(value)}");
                return [];
        }
    }

    private static IReadOnlyList<SendAttachment> ReadAttachments(JsonElement value, FieldErrors errors)
    {
        if (value.ValueKind == JsonValueKind.Null) return [];
        if (value.ValueKind != JsonValueKind.Array)
        {
            errors.Add("attachments", $"must be an array of objects, not {Describe(value)}");
            return [];
        }
        var list = new List<SendAttachment>();
        int i = 0;
        foreach (var item in value.EnumerateArray())
        {
            string path = $"attachments[{i++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                errors.Add(path, $"must be an object with filename, contentType and contentBase64, not {Describe(item)}");
                continue;
            }
            string? filename = null, contentType = null, content = null;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in item.EnumerateObject())
            {
                string field = $"{path}.{property.Name}";
                if (!seen.Add(property.Name)) { errors.Add(field, "appears more than once"); continue; }
                switch (property.Name)
                {
                    case "filename": filename = ReadString(property.Value, field, errors); break;
                    case "contentType": contentType = ReadString(property.Value, field, errors); break;
                    case "contentBase64": content = ReadString(property.Value, field, errors); break;
                    default: errors.Add(field, UnknownField(property.Name, AttachmentFields)); break;
                }
            }
            list.Add(new SendAttachment(filename, contentType, content));
        }
        return list;
    }

    private static IReadOnlyList<KeyValuePair<string, string>> ReadHeaders(JsonElement value, FieldErrors errors)
    {
        if (value.ValueKind == JsonValueKind.Null) return [];
        if (value.ValueKind != JsonValueKind.Object)
        {
            errors.Add("headers", $"must be an object of header name to string value, not {Describe(value)}");
            return [];
        }
        var list = new List<KeyValuePair<string, string>>();
        foreach (var property in value.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.String) list.Add(new(property.Name, property.Value.GetString()!));
            else errors.Add($"headers.{property.Name}", $"must be a string value, not {Describe(property.Value)}");
        }
        return list;
    }

    private static string UnknownField(string name, string[] known)
    {
        string? suggestion = known.FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase));
        return suggestion is not null
            ? $"is not a known field (field names are case-sensitive: did you mean '{suggestion}'?)"
            : $"is not a known field; known fields are {string.Join(", ", known)}";
    }

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    private static string FirstSentence(string message)
    {
        int cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).Trim();
    }
}
