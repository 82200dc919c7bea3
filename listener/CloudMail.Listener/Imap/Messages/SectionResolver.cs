using CloudMail.Core.Mailboxes.Structure;
using System.Text;
using CloudMail.Protocols.Imap.Model;

namespace CloudMail.Listener.Imap.Messages;

/// <summary>Where the bytes of a fetched section come from.</summary>
internal abstract record SectionSource;

/// <summary>Exact stored bytes [<see cref="Start"/>, Start + <see cref="Length"/>).</summary>
internal sealed record RangeSource(long Start, long Length) : SectionSource;

/// <summary>A header range of which only some fields are returned (HEADER.FIELDS[.NOT]).</summary>
internal sealed record FilteredHeaderSource(long Start, long Length, IReadOnlyList<string> Fields, bool Exclude) : SectionSource;

/// <summary>The section does not exist in this message (answered with NIL).</summary>
internal sealed record MissingSource : SectionSource
{
    public static readonly MissingSource Instance = new();
}

/// <summary>Maps a section specifier (RFC 3501 §6.4.5 BODY[section]) onto the stored message's bytes.</summary>
internal static class SectionResolver
{
    /// <summary>
    /// True when <paramref name="section"/> is the top-level message's header or some of its fields (HEADER,
    /// HEADER.FIELDS, HEADER.FIELDS.NOT without part numbers): <see cref="ResolveHeader"/> answers it from the message's
    /// bounds alone.
    /// </summary>
    public static bool IsTopHeader(BodySection section) =>
        section.Part.Count == 0 && section.Text is SectionText.Header or SectionText.HeaderFields or SectionText.HeaderFieldsNot;

    /// <summary>A section for which <see cref="IsTopHeader"/> holds, resolved as <see cref="Resolve"/> would.</summary>
    public static SectionSource ResolveHeader(MessageBounds bounds, BodySection section) =>
        OfMessage(bounds.Begin, bounds.HeadersEnd, bounds.Size, section, wholeEnd: bounds.Size);

    public static SectionSource Resolve(MessageStructure structure, BodySection section)
    {
        var message = structure.Message;
        if (section.Part.Count == 0)
            return OfMessage(message.Begin, message.HeadersEnd, structure.Size, section, wholeEnd: structure.Size);

        var part = FindPart(message.Body, section.Part);
        if (part is null) return MissingSource.Instance;
        switch (section.Text)
        {
            case SectionText.None:
                return new RangeSource(part.HeadersEnd, part.Size);
            case SectionText.Mime:
                return new RangeSource(part.Begin, part.HeadersEnd - part.Begin);
            default:
                // HEADER, HEADER.FIELDS and TEXT after part numbers apply to an encapsulated message only.
                if (part.Message is not { } inner) return MissingSource.Instance;
                return OfMessage(inner.Begin, inner.HeadersEnd, inner.End, section, wholeEnd: inner.End);
        }
    }

    private static SectionSource OfMessage(long begin, long headersEnd, long end, BodySection section, long wholeEnd) => section.Text switch
    {
        SectionText.Header => new RangeSource(begin, headersEnd - begin),
        SectionText.HeaderFields => new FilteredHeaderSource(begin, headersEnd - begin, section.Fields, Exclude: false),
        SectionText.HeaderFieldsNot => new FilteredHeaderSource(begin, headersEnd - begin, section.Fields, Exclude: true),
        SectionText.Text => new RangeSource(headersEnd, end - headersEnd),
        _ => new RangeSource(begin, wholeEnd - begin),
    };

    /// <summary>
    /// Part numbers (RFC 3501 §6.4.5): a multipart's children are 1..n; a non-multipart entity is its own part 1;
    /// numbers after a message/rfc822 part address the encapsulated message's body. A leaf reached through a multipart
    /// is also its own part 1 once more (2.1 is part 2 when 2 is not multipart), as Dovecot resolves it; a second 1 is
    /// not.
    /// </summary>
    public static ImapBodyPart? FindPart(ImapBodyPart body, IReadOnlyList<int> numbers)
    {
        var current = body;
        bool ownPartOneUsed = false;
        for (int i = 0; i < numbers.Count; i++)
        {
            int n = numbers[i];
            if (i > 0)
            {
                if (current.Message is { } inner)
                {
                    current = inner.Body;
                    ownPartOneUsed = false;
                }
                else if (!current.IsMultipart)
                {
                    if (n != 1 || ownPartOneUsed) return null;
                    ownPartOneUsed = true;
                    continue;
                }
            }
            if (current.IsMultipart)
            {
                if (n > current.Children.Count) return null;
                current = current.Children[n - 1];
            }
            else if (n != 1) return null;
            else ownPartOneUsed = true;
        }
        return current;
    }

    /// <summary>
    /// The header fields of <paramref name="header"/> whose names are (or with <paramref name="exclude"/>, are not)
    /// in <paramref name="fields"/>, with their exact bytes, followed by the blank line when the header had one
    /// (RFC 3501 §6.4.5: subsetting keeps the delimiting blank line).
    /// </summary>
    public static byte[] FilterHeader(ReadOnlySpan<byte> header, IReadOnlyList<string> fields, bool exclude)
    {
        // Two passes over the header, no copies between them: find the fields kept, then copy them into one array.
        var kept = new List<Range>();
        int length = 0, pos = 0;
        bool blankLine = false;
        while (pos < header.Length)
        {
            int lineEnd = NextLineEnd(header, pos);
            if (IsBlank(header[pos..lineEnd]))
            {
                blankLine = true;
                break;
            }
            // A field is its first line plus continuation lines that start with SP or HTAB (RFC 5322 §2.2.3).
            int fieldEnd = lineEnd;
            while (fieldEnd < header.Length && header[fieldEnd] is (byte)' ' or (byte)'\t') fieldEnd = NextLineEnd(header, fieldEnd);
            var field = header[pos..fieldEnd];
            int colon = field.IndexOf((byte)':');
            if (colon > 0 && Named(field[..colon].TrimEnd(" \t"u8), fields) != exclude)
            {
                kept.Add(pos..fieldEnd);
                length += fieldEnd - pos;
            }
            pos = fieldEnd;
        }
        byte[] output = new byte[length + (blankLine ? 2 : 0)];
        int written = 0;
        foreach (var range in kept)
        {
            header[range].CopyTo(output.AsSpan(written));
            written += header[range].Length;
        }
        if (blankLine) "\r\n"u8.CopyTo(output.AsSpan(written));
        return output;
    }

    /// <summary>True when <paramref name="name"/> (a field name's bytes) is one of <paramref name="fields"/>, ignoring ASCII case.</summary>
    private static bool Named(ReadOnlySpan<byte> name, IReadOnlyList<string> fields)
    {
        for (int i = 0; i < fields.Count; i++)
            if (name.Length == fields[i].Length && System.Text.Ascii.EqualsIgnoreCase(name, fields[i])) return true;
        return false;
    }

    private static int NextLineEnd(ReadOnlySpan<byte> span, int pos)
    {
        int lf = span[pos..].IndexOf((byte)'\n');
        return lf < 0 ? span.Length : pos + lf + 1;
    }

    private static bool IsBlank(ReadOnlySpan<byte> line) => line.SequenceEqual("\r\n"u8) || line.SequenceEqual("\n"u8);
}
