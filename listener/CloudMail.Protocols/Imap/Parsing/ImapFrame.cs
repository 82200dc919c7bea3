namespace CloudMail.Protocols.Imap.Parsing;

/// <summary>What one piece of a framed command is.</summary>
internal enum ImapFramePartKind
{
    /// <summary>Command text without the CRLF; when followed by a literal it ends with the "{n}" marker.</summary>
    Line,

    /// <summary>The bytes of a literal that was buffered (small literals in any command).</summary>
    Literal,

    /// <summary>A literal the session streamed itself (the APPEND message); only its size is known here.</summary>
    StreamedLiteral,
}

/// <summary>
/// One piece of a framed command. A frame alternates Line, literal, Line, literal, ..., Line: every line but the
/// last ends with a literal marker and is followed by that literal.
/// </summary>
internal sealed record ImapFramePart(ImapFramePartKind Kind, byte[] Data, long Size)
{
    public static ImapFramePart Line(byte[] text) => new(ImapFramePartKind.Line, text, text.Length);

    public static ImapFramePart Literal(byte[] data) => new(ImapFramePartKind.Literal, data, data.Length);

    public static ImapFramePart Streamed(long size) => new(ImapFramePartKind.StreamedLiteral, [], size);
}
