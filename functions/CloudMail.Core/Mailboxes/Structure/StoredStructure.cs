using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using MimeKit;

namespace CloudMail.Core.Mailboxes.Structure;

/// <summary>
/// The compact form of a <see cref="MessageStructure"/> kept in the mailbox index next to each message (embedded: the
/// <c>structure</c> column of mail.db; Azure: the <c>Structure</c> property of the message entity), so that FETCH
/// ENVELOPE/BODYSTRUCTURE/BODY and SORT/THREAD are answered without opening the blob.
/// <para>
/// Format (version 1): a JSON object <c>{"v":1,"s":size,"m":message,"h":headers,"n":crlfSize}</c> (<c>n</c>, the
/// size POP3 reports, is missing from values kept before it was recorded). A message is
/// <c>[begin,headersEnd,end,envelope,body]</c>; an envelope is the ten ENVELOPE fields in RFC 3501 §7.4.2 order
/// (address lists as arrays of <c>[name,route,mailbox,host]</c>); a body part is an object with short keys (see
/// <see cref="WritePart"/>). <c>h</c> is the raw bytes (ISO-8859-1 mapped, so any octet survives) of the top-level
/// header fields SORT and THREAD read (<see cref="SortHeaders"/>).
/// </para>
/// <para>
/// <see cref="TryRead"/> is pure and never throws: a missing, corrupt, too deep or other-version value is null, and the
/// caller parses the blob instead (and writes the value back). <see cref="TryWrite"/> is null when the value would
/// exceed <see cref="MaxLength"/>: then nothing is stored and every reader falls back to the blob.
/// </para>
/// </summary>
public static class StoredStructure
{
    /// <summary>The format version written; any other version reads as absent.</summary>
    public const int Version = 1;

    /// <summary>
    /// Longest value stored, in characters: Azure Table Storage caps a string property at 64 KiB of UTF-16 (32 Ki
    /// characters; a margin is left). The same cap applies to the embedded backend so both store the same messages.
    /// </summary>
    public const int MaxLength = 32_000;

    /// <summary>Nesting limit for reading and writing (multipart and message/rfc822 levels, each a few JSON levels).</summary>
    private const int MaxDepth = 256;

    /// <summary>The top-level header fields kept: RFC 5256 SORT keys (DATE, SUBJECT) and THREAD's inputs (§3).</summary>
    public static readonly IReadOnlyList<HeaderId> SortHeaders = [HeaderId.Date, HeaderId.Subject, HeaderId.MessageId, HeaderId.InReplyTo, HeaderId.References];

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, MaxDepth = MaxDepth };

    private static readonly JsonDocumentOptions ReaderOptions = new() { MaxDepth = MaxDepth };

    /// <summary>The stored form of <paramref name="structure"/>, or null when it is too large (or not representable).</summary>
    public static string? TryWrite(MessageStructure structure)
    {
        ArgumentNullException.ThrowIfNull(structure);
        try
        {
            var buffer = new ArrayBufferWriter<byte>();
            using (var w = new Utf8JsonWriter(buffer, WriterOptions))
            {
                w.WriteStartObject();
                w.WriteNumber("v", Version);
                w.WriteNumber("s", structure.Size);
                w.WritePropertyName("m");
                WriteMessage(w, structure.Message);
                w.WriteString("h", SortHeaderBytes(structure.Headers));
                if (structure.CrlfSize is { } crlfSize) w.WriteNumber("n", crlfSize); // last: TryReadCrlfSize reads it from the end
                w.WriteEndObject();
            }
            if (buffer.WrittenCount > MaxLength * 3) return null; // cannot be short enough: skip decoding
            string text = Encoding.UTF8.GetString(buffer.WrittenSpan);
            return text.Length > MaxLength ? null : text;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            return null; // depth over MaxDepth or an unpaired surrogate: store nothing, readers use the blob
        }
    }

    /// <summary>The structure in <paramref name="stored"/>, or null when it is absent, corrupt or of another version.</summary>
    public static MessageStructure? TryRead(string? stored)
    {
        if (string.IsNullOrEmpty(stored) || stored.Length > MaxLength) return null;
        try
        {
            using var doc = JsonDocument.Parse(stored, ReaderOptions);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("v", out var v) || !v.TryGetInt32(out int version) || version != Version
                || !root.TryGetProperty("s", out var s) || !s.TryGetInt64(out long size) || size < 0
                || !root.TryGetProperty("m", out var m) || ReadMessage(m, size) is not { } message
                || !root.TryGetProperty("h", out var h) || h.ValueKind != JsonValueKind.String)
                return null;
            long? crlfSize = root.TryGetProperty("n", out var n) && n.TryGetInt64(out long value) && value >= 0 ? value : null;
            return new MessageStructure { Message = message, StoredHeaders = h.GetString()!, Size = size, HeadersComplete = false, CrlfSize = crlfSize };
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>
    /// The <see cref="MessageStructure.CrlfSize"/> in <paramref name="stored"/>, read from the value's end (where
    /// <see cref="TryWrite"/> puts it, after the header string, in which a quote is always escaped, so no text of the
    /// message can pose as it), without parsing the rest: POP3 reads it for every message of a maildrop. Null when
    /// absent (a value kept before it was recorded), of another version or malformed. Pure; never throws.
    /// </summary>
    public static long? TryReadCrlfSize(string? stored)
    {
        if (string.IsNullOrEmpty(stored) || stored.Length > MaxLength || stored[^1] != '}' || !stored.StartsWith(VersionPrefix, StringComparison.Ordinal))
            return null;
        int at = stored.LastIndexOf(",\"n\":", StringComparison.Ordinal);
        if (at < 0) return null;
        ReadOnlySpan<char> digits = stored.AsSpan(at + 5, stored.Length - 1 - (at + 5));
        return digits.Length is > 0 and <= 18 && long.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long size)
            ? size
            : null;
    }

    /// <summary>How a value of this version begins, as <see cref="TryWrite"/> writes it.</summary>
    private static readonly string VersionPrefix = "{\"v\":" + Version.ToString(System.Globalization.CultureInfo.InvariantCulture) + ",";

    /// <summary>Longest prefix of a stored value that <see cref="TryReadBounds"/> reads: version, size and the three offsets.</summary>
    private const int BoundsPrefixLength = 128;

    /// <summary>
    /// The top-level message's bounds in <paramref name="stored"/>, read from the value's first characters only (the
    /// version, the size and the message's three offsets, which <see cref="TryWrite"/> writes first), so that a FETCH of
    /// header fields does not parse the envelope and body parts. Null when the value is absent, of another version, or
    /// does not begin as <see cref="TryWrite"/> writes it; the caller then uses <see cref="TryRead"/> (which also checks
    /// the rest). Pure; never throws.
    /// </summary>
    public static MessageBounds? TryReadBounds(string? stored)
    {
        if (string.IsNullOrEmpty(stored) || stored.Length > MaxLength) return null;
        Span<byte> prefix = stackalloc byte[BoundsPrefixLength];
        // ASCII: any other character becomes '?', which is no JSON token, so nothing outside ASCII reads as a number.
        int length = System.Text.Encoding.ASCII.GetBytes(stored.AsSpan(0, Math.Min(stored.Length, BoundsPrefixLength)), prefix);
        var reader = new Utf8JsonReader(prefix[..length], isFinalBlock: false, state: default);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject
                || !Property(ref reader, "v"u8) || !Number(ref reader, out long version) || version != Version
                || !Property(ref reader, "s"u8) || !Number(ref reader, out long size)
                || !Property(ref reader, "m"u8) || !reader.Read() || reader.TokenType != JsonTokenType.StartArray
                || !Number(ref reader, out long begin) || !Number(ref reader, out long headersEnd) || !Number(ref reader, out long end)
                || !(0 <= begin && begin <= headersEnd && headersEnd <= end && end <= size))
                return null;
            return new MessageBounds(begin, headersEnd, end, size);
        }
        catch (JsonException)
        {
            return null;
        }

        static bool Property(ref Utf8JsonReader reader, ReadOnlySpan<byte> name) =>
            reader.Read() && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals(name);

        static bool Number(ref Utf8JsonReader reader, out long value)
        {
            value = 0;
            return reader.Read() && reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out value);
        }
    }

    private static string SortHeaderBytes(HeaderList headers)
    {
        using var bytes = new MemoryStream();
        foreach (var header in headers)
        {
            if (!SortHeaders.Contains(header.Id)) continue;
            bytes.Write(Encoding.ASCII.GetBytes(header.Field));
            bytes.WriteByte((byte)':');
            bytes.Write(header.RawValue);
        }
        return Encoding.Latin1.GetString(bytes.GetBuffer(), 0, (int)bytes.Length);
    }

    /// <summary>
    /// One parser per thread, given each stored header block in turn: a new <see cref="MimeParser"/> allocates and clears
    /// its read-ahead buffers (several KiB), which for a SORT or THREAD of a large mailbox, one header block per message,
    /// was most of the command's time (allocation and garbage collection). Used only synchronously, never across an await.
    /// </summary>
    [ThreadStatic]
    private static MimeParser? t_headerParser;

    /// <summary>
    /// The header fields in <paramref name="latin1"/> (as <see cref="TryWrite"/> keeps them). Never throws: a block that does
    /// not parse (a corrupt value, never one this class wrote) gives no fields, as a message without them would.
    /// </summary>
    internal static HeaderList ParseHeaders(string latin1)
    {
        var list = new HeaderList();
        if (latin1.Length == 0) return list;
        var stream = new MemoryStream(Encoding.Latin1.GetBytes(latin1 + "\r\n"), writable: false);
        var parser = t_headerParser ??= new MimeParser(Stream.Null, MimeFormat.Entity);
        parser.SetStream(stream, MimeFormat.Entity);
        try
        {
            foreach (var header in parser.ParseHeaders()) list.Add(header);
        }
        catch (FormatException)
        {
            list.Clear();
        }
        finally
        {
            parser.SetStream(Stream.Null, MimeFormat.Entity); // keeps no reference to this block
        }
        return list;
    }

    private static void WriteMessage(Utf8JsonWriter w, ImapMessagePart message)
    {
        w.WriteStartArray();
        w.WriteNumberValue(message.Begin);
        w.WriteNumberValue(message.HeadersEnd);
        w.WriteNumberValue(message.End);
        WriteEnvelope(w, message.Envelope);
        WritePart(w, message.Body);
        w.WriteEndArray();
    }

    private static ImapMessagePart? ReadMessage(JsonElement e, long size)
    {
        if (e.ValueKind != JsonValueKind.Array || e.GetArrayLength() != 5) return null;
        if (!Range(e[0], e[1], e[2], size, out long begin, out long headersEnd, out long end)) return null;
        if (ReadEnvelope(e[3]) is not { } envelope || ReadPart(e[4], size) is not { } body) return null;
        return new ImapMessagePart { Begin = begin, HeadersEnd = headersEnd, End = end, Envelope = envelope, Body = body };
    }

    private static void WriteEnvelope(Utf8JsonWriter w, ImapEnvelope e)
    {
        w.WriteStartArray();
        Str(w, e.Date);
        Str(w, e.Subject);
        Addresses(w, e.From);
        Addresses(w, e.Sender);
        Addresses(w, e.ReplyTo);
        Addresses(w, e.To);
        Addresses(w, e.Cc);
        Addresses(w, e.Bcc);
        Str(w, e.InReplyTo);
        Str(w, e.MessageId);
        w.WriteEndArray();
    }

    private static ImapEnvelope? ReadEnvelope(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Array || e.GetArrayLength() != 10) return null;
        bool ok = true;
        var envelope = new ImapEnvelope(
            Str(e[0], ref ok), Str(e[1], ref ok),
            Addresses(e[2], ref ok), Addresses(e[3], ref ok), Addresses(e[4], ref ok),
            Addresses(e[5], ref ok), Addresses(e[6], ref ok), Addresses(e[7], ref ok),
            Str(e[8], ref ok), Str(e[9], ref ok));
        return ok ? envelope : null;
    }

    private static void Addresses(Utf8JsonWriter w, IReadOnlyList<ImapAddress>? list)
    {
        if (list is null) { w.WriteNullValue(); return; }
        w.WriteStartArray();
        foreach (var a in list)
        {
            w.WriteStartArray();
            Str(w, a.Name);
            Str(w, a.Route);
            Str(w, a.Mailbox);
            Str(w, a.Host);
            w.WriteEndArray();
        }
        w.WriteEndArray();
    }

    private static List<ImapAddress>? Addresses(JsonElement e, ref bool ok)
    {
        if (e.ValueKind == JsonValueKind.Null) return null;
        if (e.ValueKind != JsonValueKind.Array) { ok = false; return null; }
        var list = new List<ImapAddress>(e.GetArrayLength());
        foreach (var a in e.EnumerateArray())
        {
            if (a.ValueKind != JsonValueKind.Array || a.GetArrayLength() != 4) { ok = false; return null; }
            list.Add(new ImapAddress(Str(a[0], ref ok), Str(a[1], ref ok), Str(a[2], ref ok), Str(a[3], ref ok)));
        }
        return list;
    }

    /// <summary>
    /// A body part: <c>r</c> [begin,headersEnd,end,lines], <c>t</c> type, <c>u</c> subtype, <c>p</c> parameters
    /// ([name,value,...]), <c>i</c> Content-ID, <c>d</c> description, <c>e</c> encoding, <c>5</c> MD5, <c>x</c>
    /// disposition, <c>xp</c> its parameters, <c>l</c> languages, <c>o</c> location, <c>c</c> children, <c>m</c>
    /// encapsulated message. Absent keys are null or empty.
    /// </summary>
    private static void WritePart(Utf8JsonWriter w, ImapBodyPart part)
    {
        w.WriteStartObject();
        w.WriteStartArray("r");
        w.WriteNumberValue(part.Begin);
        w.WriteNumberValue(part.HeadersEnd);
        w.WriteNumberValue(part.End);
        w.WriteNumberValue(part.Lines);
        w.WriteEndArray();
        w.WriteString("t", part.Type);
        w.WriteString("u", part.Subtype);
        Pairs(w, "p", part.Parameters);
        if (part.Id is not null) w.WriteString("i", part.Id);
        if (part.Description is not null) w.WriteString("d", part.Description);
        w.WriteString("e", part.Encoding);
        if (part.Md5 is not null) w.WriteString("5", part.Md5);
        if (part.Disposition is not null) w.WriteString("x", part.Disposition);
        Pairs(w, "xp", part.DispositionParameters);
        if (part.Languages is not null)
        {
            w.WriteStartArray("l");
            foreach (var language in part.Languages) w.WriteStringValue(language);
            w.WriteEndArray();
        }
        if (part.Location is not null) w.WriteString("o", part.Location);
        if (part.Children.Count > 0)
        {
            w.WriteStartArray("c");
            foreach (var child in part.Children) WritePart(w, child);
            w.WriteEndArray();
        }
        if (part.Message is not null)
        {
            w.WritePropertyName("m");
            WriteMessage(w, part.Message);
        }
        w.WriteEndObject();
    }

    private static ImapBodyPart? ReadPart(JsonElement e, long size)
    {
        if (e.ValueKind != JsonValueKind.Object) return null;
        if (!e.TryGetProperty("r", out var r) || r.ValueKind != JsonValueKind.Array || r.GetArrayLength() != 4) return null;
        if (!Range(r[0], r[1], r[2], size, out long begin, out long headersEnd, out long end)) return null;
        if (!r[3].TryGetInt32(out int lines) || lines < 0) return null;
        bool ok = true;
        string? type = Optional(e, "t", ref ok), subtype = Optional(e, "u", ref ok), encoding = Optional(e, "e", ref ok);
        if (type is null || subtype is null || encoding is null) return null;
        var children = new List<ImapBodyPart>();
        if (e.TryGetProperty("c", out var c))
        {
            if (c.ValueKind != JsonValueKind.Array) return null;
            foreach (var child in c.EnumerateArray())
            {
                if (ReadPart(child, size) is not { } part) return null;
                children.Add(part);
            }
        }
        ImapMessagePart? message = null;
        if (e.TryGetProperty("m", out var m) && (message = ReadMessage(m, size)) is null) return null;
        List<string>? languages = null;
        if (e.TryGetProperty("l", out var l))
        {
            if (l.ValueKind != JsonValueKind.Array) return null;
            languages = [];
            foreach (var language in l.EnumerateArray()) languages.Add(Str(language, ref ok) ?? "");
        }
        var result = new ImapBodyPart
        {
            Begin = begin,
            HeadersEnd = headersEnd,
            End = end,
            Lines = lines,
            Type = type,
            Subtype = subtype,
            Parameters = Pairs(e, "p", ref ok),
            Id = Optional(e, "i", ref ok),
            Description = Optional(e, "d", ref ok),
            Encoding = encoding,
            Md5 = Optional(e, "5", ref ok),
            Disposition = Optional(e, "x", ref ok),
            DispositionParameters = Pairs(e, "xp", ref ok),
            Languages = languages,
            Location = Optional(e, "o", ref ok),
            Children = children,
            Message = message,
        };
        return ok ? result : null;
    }

    private static void Pairs(Utf8JsonWriter w, string name, IReadOnlyList<KeyValuePair<string, string>> pairs)
    {
        if (pairs.Count == 0) return;
        w.WriteStartArray(name);
        foreach (var (key, value) in pairs)
        {
            w.WriteStringValue(key);
            w.WriteStringValue(value);
        }
        w.WriteEndArray();
    }

    private static List<KeyValuePair<string, string>> Pairs(JsonElement e, string name, ref bool ok)
    {
        var list = new List<KeyValuePair<string, string>>();
        if (!e.TryGetProperty(name, out var p)) return list;
        if (p.ValueKind != JsonValueKind.Array || p.GetArrayLength() % 2 != 0) { ok = false; return list; }
        for (int i = 0; i < p.GetArrayLength(); i += 2)
        {
            if (p[i].ValueKind != JsonValueKind.String || p[i + 1].ValueKind != JsonValueKind.String) { ok = false; return list; }
            list.Add(new(p[i].GetString()!, p[i + 1].GetString()!));
        }
        return list;
    }

    /// <summary>Offsets must be ordered and inside the message, so a section fetch never reads outside the blob.</summary>
    private static bool Range(JsonElement b, JsonElement h, JsonElement e, long size, out long begin, out long headersEnd, out long end)
    {
        headersEnd = end = 0;
        return b.TryGetInt64(out begin) & h.TryGetInt64(out headersEnd) & e.TryGetInt64(out end)
            && 0 <= begin && begin <= headersEnd && headersEnd <= end && end <= size;
    }

    private static void Str(Utf8JsonWriter w, string? value)
    {
        if (value is null) w.WriteNullValue();
        else w.WriteStringValue(value);
    }

    private static string? Str(JsonElement e, ref bool ok)
    {
        if (e.ValueKind == JsonValueKind.String) return e.GetString();
        if (e.ValueKind != JsonValueKind.Null) ok = false;
        return null;
    }

    private static string? Optional(JsonElement e, string name, ref bool ok) =>
        e.TryGetProperty(name, out var value) ? Str(value, ref ok) : null;
}
