using System.Text;
using MimeKit;
using MimeKit.Utils;

namespace CloudMail.Core.Mailboxes.Structure;

/// <summary>
/// Builds a <see cref="MessageStructure"/> from the stored bytes with MimeKit's parser in persistent mode
/// (content is not copied into memory) and its per-entity stream offsets.
/// </summary>
public static class MessageStructureParser
{
    private readonly record struct Offsets(long Begin, long HeadersEnd, long End, int Lines);

    /// <summary>
    /// Parses <paramref name="stream"/> (seekable, positioned at 0), or returns null when MimeKit cannot read the header
    /// block at all (it tolerates most malformed MIME, but not every byte sequence: found by fuzzing). Never throws for
    /// the stored bytes; a caller serves such a message as <see cref="Fallback"/>.
    /// </summary>
    /// <param name="stream">The stored message.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <param name="withCrlfSize">Also count <see cref="MessageStructure.CrlfSize"/> (one more pass over the bytes): when the structure is to be kept.</param>
    public static async Task<MessageStructure?> TryParseAsync(Stream stream, CancellationToken cancellationToken, bool withCrlfSize = false)
    {
        try
        {
            return await ParseAsync(stream, withCrlfSize, cancellationToken).ConfigureAwait(false);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static async Task<MessageStructure> ParseAsync(Stream stream, bool withCrlfSize, CancellationToken cancellationToken)
    {
        var entities = new Dictionary<MimeEntity, Offsets>(ReferenceEqualityComparer.Instance);
        var messages = new Dictionary<MimeMessage, Offsets>(ReferenceEqualityComparer.Instance);
        var parser = new MimeParser(stream, MimeFormat.Entity, persistent: true);
        parser.MimeEntityEnd += (_, e) => entities[e.Entity] = new Offsets(e.BeginOffset, e.HeadersEndOffset, e.EndOffset, e.Lines);
        parser.MimeMessageEnd += (_, e) => messages[e.Message] = new Offsets(e.BeginOffset, e.HeadersEndOffset, e.EndOffset, 0);
        var message = await parser.ParseMessageAsync(cancellationToken).ConfigureAwait(false);
        await CountLineEndsAsync(stream, entities, cancellationToken).ConfigureAwait(false);
        var root = BuildMessage(message, entities, messages);
        long? crlfSize = null;
        if (withCrlfSize)
        {
            stream.Position = 0;
            crlfSize = await CrlfLength.OfAsync(stream, cancellationToken).ConfigureAwait(false);
        }
        return new MessageStructure { Message = root, Headers = TopLevelHeaders(message), Size = stream.Length, CrlfSize = crlfSize };
    }

    /// <summary>
    /// Makes each entity's line count the number of line ends in its content, as Dovecot and Cyrus report body-fld-lines
    /// (RFC 3501 §7.4.2 "size of the body in text lines"): MimeKit also counts a last line without its line end, which a
    /// part before a boundary always has (the CRLF before the delimiter belongs to the delimiter, RFC 2046 §5.1.1), so
    /// <c>hello</c> there is 0 lines, not 1. One byte read per entity.
    /// </summary>
    private static async Task CountLineEndsAsync(Stream stream, Dictionary<MimeEntity, Offsets> entities, CancellationToken cancellationToken)
    {
        byte[] last = new byte[1];
        foreach (var (entity, o) in entities.ToList())
        {
            if (o.Lines == 0 || o.End <= o.HeadersEnd) continue;
            stream.Position = o.End - 1;
            if (await stream.ReadAsync(last, cancellationToken).ConfigureAwait(false) == 1 && last[0] != (byte)'\n')
                entities[entity] = o with { Lines = o.Lines - 1 };
        }
    }

    /// <summary>
    /// Every field of the message's own header: MimeKit keeps the Content-* fields on the body entity, not in
    /// <see cref="MimeMessage.Headers"/>, yet SEARCH HEADER (RFC 3501 §6.4.4) covers them too.
    /// </summary>
    public static HeaderList TopLevelHeaders(MimeMessage message)
    {
        if (message.Body is null) return message.Headers;
        var all = new HeaderList();
        foreach (Header header in message.Headers) all.Add(header);
        foreach (Header header in message.Body.Headers)
        {
            if (header.Field.StartsWith("Content-", StringComparison.OrdinalIgnoreCase)) all.Add(header);
        }
        return all;
    }

    /// <summary>The structure of a message MimeKit cannot make sense of: one text/plain part holding everything.</summary>
    public static MessageStructure Fallback(long size)
    {
        var body = new ImapBodyPart { Begin = 0, HeadersEnd = 0, End = size, Type = "text", Subtype = "plain", Parameters = [new("charset", "us-ascii")] };
        var envelope = new ImapEnvelope(null, null, null, null, null, null, null, null, null, null);
        return new MessageStructure
        {
            Message = new ImapMessagePart { Begin = 0, HeadersEnd = 0, End = size, Envelope = envelope, Body = body },
            Headers = [],
            Size = size,
        };
    }

    private static ImapMessagePart BuildMessage(MimeMessage message, Dictionary<MimeEntity, Offsets> entities, Dictionary<MimeMessage, Offsets> messages)
    {
        var o = messages.GetValueOrDefault(message);
        var body = message.Body is null
            ? new ImapBodyPart { Begin = o.HeadersEnd, HeadersEnd = o.HeadersEnd, End = o.End, Type = "text", Subtype = "plain", Parameters = [new("charset", "us-ascii")] }
            : BuildPart(message.Body, entities, messages);
        return new ImapMessagePart
        {
            Begin = o.Begin,
            HeadersEnd = o.HeadersEnd,
            End = o.End,
            Envelope = BuildEnvelope(message.Headers),
            Body = body,
        };
    }

    private static ImapBodyPart BuildPart(MimeEntity entity, Dictionary<MimeEntity, Offsets> entities, Dictionary<MimeMessage, Offsets> messages)
    {
        var o = entities.GetValueOrDefault(entity);
        var type = entity.ContentType;
        var headers = entity.Headers;
        IReadOnlyList<ImapBodyPart> children = entity is Multipart multipart
            ? [.. multipart.Select(child => BuildPart(child, entities, messages))]
            : [];
        ImapMessagePart? inner = entity is MessagePart { Message: { } m } ? BuildMessage(m, entities, messages) : null;
        var parameters = type.Parameters.Select(p => new KeyValuePair<string, string>(p.Name, p.Value)).ToList();
        if (type.MediaType.Equals("text", StringComparison.OrdinalIgnoreCase) && !parameters.Any(p => p.Key.Equals("charset", StringComparison.OrdinalIgnoreCase)))
            parameters.Insert(0, new("charset", "us-ascii")); // RFC 2045 §5.2 default
        var disposition = entity.ContentDisposition;
        return new ImapBodyPart
        {
            Begin = o.Begin,
            HeadersEnd = o.HeadersEnd,
            End = o.End,
            Lines = o.Lines,
            Type = type.MediaType,
            Subtype = type.MediaSubtype,
            Parameters = parameters,
            Id = RawValue(headers, HeaderId.ContentId),
            Description = RawValue(headers, HeaderId.ContentDescription),
            Encoding = RawValue(headers, HeaderId.ContentTransferEncoding)?.ToUpperInvariant() ?? "7BIT",
            Md5 = RawValue(headers, HeaderId.ContentMd5),
            Disposition = disposition?.Disposition,
            DispositionParameters = disposition is null ? [] : [.. disposition.Parameters.Select(p => new KeyValuePair<string, string>(p.Name, p.Value))],
            Languages = RawValue(headers, HeaderId.ContentLanguage) is { } lang
                ? lang.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                : null,
            Location = RawValue(headers, HeaderId.ContentLocation),
            Children = children,
            Message = inner,
        };
    }

    private static ImapEnvelope BuildEnvelope(HeaderList headers)
    {
        var from = Addresses(headers, HeaderId.From);
        // RFC 3501 §7.4.2: Sender and Reply-To default to From when absent.
        return new ImapEnvelope(
            RawValue(headers, HeaderId.Date),
            RawValue(headers, HeaderId.Subject),
            from,
            Addresses(headers, HeaderId.Sender) ?? from,
            Addresses(headers, HeaderId.ReplyTo) ?? from,
            Addresses(headers, HeaderId.To),
            Addresses(headers, HeaderId.Cc),
            Addresses(headers, HeaderId.Bcc),
            RawValue(headers, HeaderId.InReplyTo),
            RawValue(headers, HeaderId.MessageId));
    }

    /// <summary>A header's value as stored (encoded-words left for the client), unfolded and trimmed; null when absent.</summary>
    public static string? RawValue(HeaderList headers, HeaderId id)
    {
        int index = headers.IndexOf(id);
        if (index < 0) return null;
        return Unfold(headers[index].RawValue);
    }

    public static string Unfold(byte[] raw)
    {
        string text = Encoding.UTF8.GetString(raw);
        var sb = new StringBuilder(text.Length);
        foreach (char c in text)
            if (c is not ('\r' or '\n')) sb.Append(c);
        return sb.ToString().Trim();
    }

    private static IReadOnlyList<ImapAddress>? Addresses(HeaderList headers, HeaderId id)
    {
        int index = headers.IndexOf(id);
        if (index < 0) return null;
        var result = new List<ImapAddress>();
        if (InternetAddressList.TryParse(ParserOptions.Default, headers[index].RawValue, out var list))
        {
            foreach (var address in list) Add(address, result);
        }
        else
        {
            // One malformed entry (an empty "<>", a stray word) must not hide the others, as it would if the whole list were
            // dropped: each top-level entry is read on its own and the ones that parse are kept (Dovecot keeps them too).
            foreach (byte[] entry in AddressListEntries.Split(headers[index].RawValue))
            {
                if (InternetAddressList.TryParse(ParserOptions.Default, entry, out var one))
                    foreach (var address in one) Add(address, result);
            }
        }
        return result.Count == 0 ? null : result;
    }

    private static void Add(InternetAddress address, List<ImapAddress> result)
    {
        switch (address)
        {
            case MailboxAddress mailbox:
                result.Add(new ImapAddress(
                    EncodeName(mailbox.Name),
                    mailbox.Route.Count > 0 ? string.Join(',', mailbox.Route.Select(d => "@" + d)) : null,
                    mailbox.LocalPart,
                    // A NIL host would read as group syntax (RFC 3501 §7.4.2), so a missing domain is "".
                    mailbox.Domain ?? ""));
                break;
            case GroupAddress group:
                result.Add(new ImapAddress(null, null, EncodeName(group.Name) ?? "", null));
                foreach (var member in group.Members) Add(member, result);
                result.Add(new ImapAddress(null, null, null, null));
                break;
        }
    }

    /// <summary>
    /// Display names unfolded (RFC 5322 §2.2.3: MimeKit keeps the CRLF of a folded comment it takes as the name, as in
    /// <c>judy@example.com (Judy CRLF Jones)</c>), then back to RFC 2047 form when not plain ASCII, as clients expect raw
    /// header text.
    /// </summary>
    private static string? EncodeName(string? name)
    {
        if (name is not null && name.AsSpan().IndexOfAny('\r', '\n') >= 0) name = name.Replace("\r", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal);
        if (string.IsNullOrEmpty(name)) return null;
        if (name.All(c => c is >= ' ' and <= '~')) return name;
        return Encoding.ASCII.GetString(Rfc2047.EncodePhrase(Encoding.UTF8, name));
    }
}
