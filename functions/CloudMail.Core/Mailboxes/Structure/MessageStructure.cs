using MimeKit;

namespace CloudMail.Core.Mailboxes.Structure;

/// <summary>An address as ENVELOPE carries it (RFC 3501 §9 "address"); group start/end use null mailbox or host.</summary>
public sealed record ImapAddress(string? Name, string? Route, string? Mailbox, string? Host);

/// <summary>The ENVELOPE fields (RFC 3501 §7.4.2): raw header text, address lists parsed.</summary>
public sealed record ImapEnvelope(
    string? Date,
    string? Subject,
    IReadOnlyList<ImapAddress>? From,
    IReadOnlyList<ImapAddress>? Sender,
    IReadOnlyList<ImapAddress>? ReplyTo,
    IReadOnlyList<ImapAddress>? To,
    IReadOnlyList<ImapAddress>? Cc,
    IReadOnlyList<ImapAddress>? Bcc,
    string? InReplyTo,
    string? MessageId);

/// <summary>
/// One MIME entity with the byte offsets of its header and content in the stored message, so that section
/// fetches return the exact stored bytes, and the fields BODYSTRUCTURE reports.
/// </summary>
public sealed class ImapBodyPart
{
    /// <summary>Offset of the entity's first header byte.</summary>
    public required long Begin { get; init; }

    /// <summary>Offset just after the blank line that ends the entity's header (start of its content).</summary>
    public required long HeadersEnd { get; init; }

    /// <summary>Offset after the content (the CRLF before a multipart boundary belongs to the boundary, RFC 2046 §5.1.1).</summary>
    public required long End { get; init; }

    /// <summary>Content lines in the transfer encoding (text/* and message/rfc822 report it).</summary>
    public int Lines { get; init; }

    public required string Type { get; init; }

    public required string Subtype { get; init; }

    public IReadOnlyList<KeyValuePair<string, string>> Parameters { get; init; } = [];

    public string? Id { get; init; }

    public string? Description { get; init; }

    public string Encoding { get; init; } = "7BIT";

    public string? Md5 { get; init; }

    public string? Disposition { get; init; }

    public IReadOnlyList<KeyValuePair<string, string>> DispositionParameters { get; init; } = [];

    public IReadOnlyList<string>? Languages { get; init; }

    public string? Location { get; init; }

    /// <summary>Sub-parts of a multipart, in order (section numbers 1, 2, ...).</summary>
    public IReadOnlyList<ImapBodyPart> Children { get; init; } = [];

    /// <summary>The encapsulated message of a message/rfc822 part.</summary>
    public ImapMessagePart? Message { get; init; }

    public bool IsMultipart => Type.Equals("multipart", StringComparison.OrdinalIgnoreCase);

    public bool IsText => Type.Equals("text", StringComparison.OrdinalIgnoreCase);

    /// <summary>Content octets (BODYSTRUCTURE body-fld-octets).</summary>
    public long Size => End - HeadersEnd;
}

/// <summary>A message, top-level or encapsulated in a message/rfc822 part.</summary>
public sealed class ImapMessagePart
{
    public required long Begin { get; init; }

    public required long HeadersEnd { get; init; }

    public required long End { get; init; }

    public required ImapEnvelope Envelope { get; init; }

    /// <summary>The message's body entity (its header range is the message header).</summary>
    public required ImapBodyPart Body { get; init; }
}

/// <summary>What a session caches per stored message: the part tree and the top-level header for SEARCH.</summary>
public sealed class MessageStructure
{
    public required ImapMessagePart Message { get; init; }

    private HeaderList? _headers;
    private readonly string? _storedHeaders;

    /// <summary>
    /// The top-level header fields, decoded on demand by SEARCH, SORT and THREAD. All of them when parsed from the blob;
    /// only <see cref="StoredStructure.SortHeaders"/> when read back from the mailbox index (see <see cref="HeadersComplete"/>),
    /// and then parsed from <see cref="StoredHeaders"/> on first use.
    /// </summary>
    public HeaderList Headers
    {
        get => _headers ??= StoredStructure.ParseHeaders(_storedHeaders ?? "");
        init => _headers = value;
    }

    /// <summary>
    /// The header fields as the mailbox index keeps them (ISO-8859-1 mapped bytes), parsed into <see cref="Headers"/> only
    /// when something reads them: a FETCH of offsets, ENVELOPE or BODYSTRUCTURE never does.
    /// </summary>
    internal string? StoredHeaders { get => _storedHeaders; init => _storedHeaders = value; }

    /// <summary>False when <see cref="Headers"/> holds only the fields SORT and THREAD use: SEARCH on headers must parse the blob.</summary>
    public bool HeadersComplete { get; init; } = true;

    /// <summary>Total size of the stored message.</summary>
    public required long Size { get; init; }

    /// <summary>
    /// The message's size with every line end CRLF and a last line end (<see cref="CrlfLength"/>): what POP3 LIST and
    /// STAT report. Null when not known (a structure kept before it was recorded).
    /// </summary>
    public long? CrlfSize { get; init; }
}
