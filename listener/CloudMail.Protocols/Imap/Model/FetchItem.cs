namespace CloudMail.Protocols.Imap.Model;

/// <summary>The kinds of FETCH data items (RFC 3501 §6.4.5, RFC 3516 §4.2, RFC 7162 §3.1.4, RFC 8514 §4.2, RFC 8474 §5).</summary>
public enum FetchItemKind
{
    Flags,
    Uid,
    InternalDate,
    Rfc822Size,
    Rfc822,
    Rfc822Header,
    Rfc822Text,
    Envelope,

    /// <summary>"BODY" without a section: the non-extensible BODYSTRUCTURE.</summary>
    Body,
    BodyStructure,

    /// <summary>BODY[section]&lt;partial&gt; and BODY.PEEK[...].</summary>
    BodySection,

    /// <summary>BINARY[section]&lt;partial&gt; and BINARY.PEEK[...] (RFC 3516).</summary>
    Binary,

    /// <summary>BINARY.SIZE[section] (RFC 3516).</summary>
    BinarySize,

    /// <summary>MODSEQ (RFC 7162 §3.1.4.1).</summary>
    ModSeq,

    /// <summary>SAVEDATE (RFC 8514 §4.2): when the message was saved into this mailbox, or NIL when unknown.</summary>
    SaveDate,

    /// <summary>EMAILID (RFC 8474 §5.1).</summary>
    EmailId,

    /// <summary>THREADID (RFC 8474 §5.2).</summary>
    ThreadId,
}

/// <summary>The text part of a section specifier (RFC 3501 §9 section-msgtext / section-text).</summary>
public enum SectionText
{
    /// <summary>No text part: the whole message (no part numbers) or the part's content.</summary>
    None,
    Header,
    HeaderFields,
    HeaderFieldsNot,
    Text,

    /// <summary>The MIME header of a body part (only after part numbers).</summary>
    Mime,
}

/// <summary>A section specifier: part numbers (e.g. 1.2), then an optional text part and header field names.</summary>
public sealed record BodySection(IReadOnlyList<int> Part, SectionText Text, IReadOnlyList<string> Fields)
{
    public static readonly BodySection Whole = new([], SectionText.None, []);

    /// <summary>The specifier as it appears between the brackets, e.g. "1.2.HEADER.FIELDS (FROM TO)".</summary>
    public override string ToString()
    {
        string parts = string.Join('.', Part.Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        string text = Text switch
        {
            SectionText.Header => "HEADER",
            SectionText.HeaderFields => "HEADER.FIELDS (" + string.Join(' ', Fields) + ")",
            SectionText.HeaderFieldsNot => "HEADER.FIELDS.NOT (" + string.Join(' ', Fields) + ")",
            SectionText.Text => "TEXT",
            SectionText.Mime => "MIME",
            _ => "",
        };
        return parts.Length > 0 && text.Length > 0 ? parts + "." + text : parts + text;
    }
}

/// <summary>The &lt;offset.count&gt; of a partial fetch (RFC 3501 §6.4.5).</summary>
public readonly record struct FetchPartial(uint Offset, uint Count);

/// <summary>One FETCH data item.</summary>
/// <param name="Section">For <see cref="FetchItemKind.BodySection"/>, <see cref="FetchItemKind.Binary"/> and <see cref="FetchItemKind.BinarySize"/>.</param>
/// <param name="Peek">BODY.PEEK / BINARY.PEEK: do not set \Seen.</param>
public sealed record FetchItem(FetchItemKind Kind, BodySection? Section = null, bool Peek = false, FetchPartial? Partial = null)
{
    public static readonly FetchItem Flags = new(FetchItemKind.Flags);
    public static readonly FetchItem Uid = new(FetchItemKind.Uid);
    public static readonly FetchItem InternalDate = new(FetchItemKind.InternalDate);
    public static readonly FetchItem Rfc822Size = new(FetchItemKind.Rfc822Size);
    public static readonly FetchItem Envelope = new(FetchItemKind.Envelope);
    public static readonly FetchItem Body = new(FetchItemKind.Body);
    public static readonly FetchItem ModSeq = new(FetchItemKind.ModSeq);
    public static readonly FetchItem SaveDate = new(FetchItemKind.SaveDate);
    public static readonly FetchItem EmailId = new(FetchItemKind.EmailId);
    public static readonly FetchItem ThreadId = new(FetchItemKind.ThreadId);

    /// <summary>True when fetching this item sets \Seen (RFC 3501 §6.4.5: BODY[...] without PEEK, RFC822, RFC822.TEXT).</summary>
    public bool SetsSeen => Kind switch
    {
        FetchItemKind.BodySection or FetchItemKind.Binary => !Peek,
        FetchItemKind.Rfc822 or FetchItemKind.Rfc822Text => true,
        _ => false,
    };
}
