using CloudMail.Core.Mailboxes.Search;
using CloudMail.Core.Mailboxes.Structure;
using CloudMail.Listener.Imap.Mailboxes;
using CloudMail.Listener.Imap.Messages;
using CloudMail.Listener.Imap.Session;
using CloudMail.Protocols.Imap.Model;

namespace CloudMail.Listener.Imap.Commands;

/// <summary>Writes one msg-att of a FETCH response (RFC 3501 §7.4.2, RFC 3516 §4.2, RFC 7162 §3.1.4.1, RFC 8514 §4.2, RFC 8474 §5, RFC 8970 §3).</summary>
internal static class FetchItemWriter
{
    public static async Task WriteAsync(ImapSession s, StoredMessage message, FetchItem item, CancellationToken ct)
    {
        var w = s.W;
        var record = message.Record;
        switch (item.Kind)
        {
            case FetchItemKind.Flags:
                w.Raw("FLAGS ");
                s.Selected!.WriteFlagList(w, record);
                return;
            case FetchItemKind.Uid:
                w.Raw("UID ").Number(record.Uid);
                return;
            case FetchItemKind.InternalDate:
                w.Raw("INTERNALDATE \"").Raw(ImapFlags.FormatDateTime(record.InternalDate)).Raw("\"");
                return;
            case FetchItemKind.Rfc822Size:
                w.Raw("RFC822.SIZE ").Number(record.Size);
                return;
            case FetchItemKind.ModSeq:
                w.Raw("MODSEQ (").Number(record.ModSeq).Raw(")");
                return;
            case FetchItemKind.SaveDate:
                // RFC 8514 §4.2: SAVEDATE (date-time / NIL); NIL for messages stored before save dates were recorded.
                w.Raw("SAVEDATE ");
                if (record.SaveDate is { } saved) w.Raw("\"").Raw(ImapFlags.FormatDateTime(saved)).Raw("\"");
                else w.Nil();
                return;
            case FetchItemKind.EmailId:
                w.Raw("EMAILID (").Raw(ObjectIds.EmailId(record.Blob)).Raw(")");
                return;
            case FetchItemKind.ThreadId:
                w.Raw("THREADID ").Nil(); // RFC 8474 §5.2: no thread ids kept
                return;
            case FetchItemKind.Preview:
                // RFC 8970 §3: UTF-8 text, a literal when it is not a plain quoted string; "" when there is no text body.
                w.Raw("PREVIEW ").String(await message.MimeAsync(ct).ConfigureAwait(false) is { } mime ? MessagePreview.Of(mime) : "");
                return;
        }

        // The message header alone needs only where it ends, not the parsed structure.
        if (item.Kind == FetchItemKind.Rfc822Header || item.Kind == FetchItemKind.BodySection && SectionResolver.IsTopHeader(item.Section!))
        {
            var bounds = await message.BoundsAsync(ct).ConfigureAwait(false);
            var section = item.Section ?? BodySection.Whole with { Text = SectionText.Header };
            if (item.Kind == FetchItemKind.Rfc822Header) w.Raw("RFC822.HEADER ");
            else WriteSectionName(w, item);
            await WriteSourceAsync(s, message, SectionResolver.ResolveHeader(bounds, section), item.Partial, ct).ConfigureAwait(false);
            return;
        }

        var structure = await message.StructureAsync(ct).ConfigureAwait(false);
        switch (item.Kind)
        {
            case FetchItemKind.Envelope:
                w.Raw("ENVELOPE ");
                StructureWriter.Envelope(w, structure.Message.Envelope);
                return;
            case FetchItemKind.Body:
                w.Raw("BODY ");
                StructureWriter.Body(w, structure.Message.Body, extended: false);
                return;
            case FetchItemKind.BodyStructure:
                w.Raw("BODYSTRUCTURE ");
                StructureWriter.Body(w, structure.Message.Body, extended: true);
                return;
            case FetchItemKind.Rfc822:
                w.Raw("RFC822 ");
                await WriteSourceAsync(s, message, SectionResolver.Resolve(structure, BodySection.Whole), null, ct).ConfigureAwait(false);
                return;
            case FetchItemKind.Rfc822Text:
                w.Raw("RFC822.TEXT ");
                await WriteSourceAsync(s, message, SectionResolver.Resolve(structure, BodySection.Whole with { Text = SectionText.Text }), null, ct).ConfigureAwait(false);
                return;
            case FetchItemKind.BodySection:
                WriteSectionName(w, item);
                await WriteSourceAsync(s, message, SectionResolver.Resolve(structure, item.Section!), item.Partial, ct).ConfigureAwait(false);
                return;
            case FetchItemKind.Binary:
            case FetchItemKind.BinarySize:
                await WriteBinaryAsync(s, message, structure, item, ct).ConfigureAwait(false);
                return;
        }
    }

    [ThreadStatic] private static BodySection? t_labelled;
    [ThreadStatic] private static string? t_label;

    /// <summary>
    /// <paramref name="section"/> as written between the brackets, built once for the messages of a FETCH that share the
    /// section (the last one labelled on this thread is remembered by reference: a section never changes).
    /// </summary>
    private static string Label(BodySection section)
    {
        if (!ReferenceEquals(section, t_labelled))
        {
            t_label = section.ToString();
            t_labelled = section;
        }
        return t_label!;
    }

    /// <summary>BODY[section]&lt;origin&gt; and the space before its value.</summary>
    private static void WriteSectionName(CloudMail.Protocols.Imap.Writing.ImapResponseWriter w, FetchItem item)
    {
        w.Raw("BODY[").Raw(Label(item.Section!)).Raw("]");
        if (item.Partial is { } p) w.Raw("<").Number(p.Offset).Raw(">");
        w.Sp();
    }

    /// <summary>The section's bytes as a literal (or NIL when the part does not exist), partial applied, NUL as 0x80.</summary>
    private static async Task WriteSourceAsync(ImapSession s, StoredMessage message, SectionSource source, FetchPartial? partial, CancellationToken ct)
    {
        switch (source)
        {
            case RangeSource range:
            {
                var (offset, count) = FetchPartial.Cut(range.Length, partial);
                if (count == 0) { s.W.Raw("\"\""); return; }
                s.W.LiteralHeader(count);
                var stream = await message.OpenAsync(ct).ConfigureAwait(false);
                await s.Out.CopyAsync(stream, range.Start + offset, count, ct).ConfigureAwait(false);
                return;
            }
            case FilteredHeaderSource filtered:
            {
                byte[] header = await message.ReadAsync(filtered.Start, filtered.Length, ct).ConfigureAwait(false);
                byte[] bytes = SectionResolver.FilterHeader(header, filtered.Fields, filtered.Exclude);
                bytes.AsSpan().Replace((byte)0, ImapOutput.NulReplacement); // a literal carries no NUL (see ImapOutput.CopyAsync)
                var (offset, count) = FetchPartial.Cut(bytes.Length, partial);
                if (count == 0) { s.W.Raw("\"\""); return; }
                s.W.Literal(bytes.AsSpan((int)offset, (int)count));
                return;
            }
            default:
                s.W.Nil();
                return;
        }
    }

    /// <summary>
    /// BINARY[part] and BINARY.SIZE[part] (RFC 3516 §4.2): the part's content with its Content-Transfer-Encoding
    /// removed; a HEADER, TEXT or MIME section (a Dovecot extension) as stored. Content with NUL bytes is sent as
    /// literal8 (RFC 3516 §4.3).
    /// </summary>
    private static async Task WriteBinaryAsync(ImapSession s, StoredMessage message, MessageStructure structure, FetchItem item, CancellationToken ct)
    {
        var section = item.Section!;
        byte[]? content = null;
        if (section.Text != SectionText.None)
        {
            content = await ReadAsStoredAsync(message, SectionResolver.Resolve(structure, section), ct).ConfigureAwait(false);
        }
        else if (section.Part.Count == 0)
        {
            content = await message.ReadAsync(0, structure.Size, ct).ConfigureAwait(false);
        }
        else if (SectionResolver.FindPart(structure.Message.Body, section.Part) is { } part)
        {
            byte[] raw = await message.ReadAsync(part.HeadersEnd, part.Size, ct).ConfigureAwait(false);
            content = part.IsMultipart || part.Message is not null ? raw : TransferDecoding.Decode(raw, part.Encoding);
        }
        var w = s.W;
        if (item.Kind == FetchItemKind.BinarySize)
        {
            w.Raw("BINARY.SIZE[").Raw(section.ToString()).Raw("] ").Number(content?.Length ?? 0);
            return;
        }
        w.Raw("BINARY[").Raw(section.ToString()).Raw("]");
        if (item.Partial is { } p) w.Raw("<").Number(p.Offset).Raw(">");
        w.Sp();
        if (content is null) { w.Nil(); return; }
        var (offset, count) = FetchPartial.Cut(content.Length, item.Partial);
        var slice = content.AsSpan((int)offset, (int)count);
        if (slice.Contains((byte)0)) w.Raw("~");
        w.Literal(slice);
    }

    /// <summary>A HEADER, HEADER.FIELDS[.NOT], TEXT or MIME section's bytes as stored, or null when it does not exist.</summary>
    private static async Task<byte[]?> ReadAsStoredAsync(StoredMessage message, SectionSource source, CancellationToken ct) => source switch
    {
        RangeSource range => await message.ReadAsync(range.Start, range.Length, ct).ConfigureAwait(false),
        FilteredHeaderSource filtered => SectionResolver.FilterHeader(
            await message.ReadAsync(filtered.Start, filtered.Length, ct).ConfigureAwait(false), filtered.Fields, filtered.Exclude),
        _ => null,
    };
}
