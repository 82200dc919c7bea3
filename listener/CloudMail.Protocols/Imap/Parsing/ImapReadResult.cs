using CloudMail.Protocols.Imap.Commands;

namespace CloudMail.Protocols.Imap.Parsing;

/// <summary>What <see cref="ImapCommandReader.Read"/> found in the input so far.</summary>
public abstract record ImapReadResult;

/// <summary>The command is incomplete; read more bytes and call again.</summary>
public sealed record ImapNeedMoreData : ImapReadResult
{
    public static readonly ImapNeedMoreData Instance = new();
}

/// <summary>
/// The client sent a synchronizing literal marker "{n}" and now waits: send "+ Ready for literal" (RFC 3501
/// §7.5), then keep reading. Never returned for non-synchronizing literals "{n+}" (RFC 7888).
/// </summary>
public sealed record ImapContinuationNeeded : ImapReadResult
{
    public static readonly ImapContinuationNeeded Instance = new();
}

/// <summary>A complete, well-formed command.</summary>
public sealed record ImapCommandReady(ImapCommand Command) : ImapReadResult;

/// <summary>
/// The client started the message literal of an APPEND (RFC 3501 §6.3.11). The literal's bytes are next in
/// the input and are NOT consumed by the reader: the session either streams exactly <see cref="Size"/> bytes
/// to storage and calls <see cref="ImapCommandReader.LiteralStreamed"/>, or refuses with its own tagged
/// response and calls <see cref="ImapCommandReader.RejectLiteral"/>. For a <see cref="Synchronizing"/> literal
/// the session sends "+ Ready for literal" before reading. <see cref="Index"/> numbers the messages of a
/// MULTIAPPEND (RFC 3502) from 0; <see cref="Mailbox"/> is the same for all of them. <see cref="Binary"/>: the message
/// came as a literal8 (<c>~{n}</c>, RFC 3516 §4.4), so its content may be binary.
/// </summary>
public sealed record ImapAppendLiteralStarting(
    string Tag,
    string Mailbox,
    IReadOnlyList<string> Flags,
    DateTimeOffset? InternalDate,
    long Size,
    bool Synchronizing,
    int Index = 0,
    bool Binary = false) : ImapReadResult;

/// <summary>
/// The command was refused: reply <c>Tag Status [Code] Text</c> (or "* ..." when no tag could be read) and
/// carry on with the next command, unless <see cref="CloseConnection"/> is set (then say BYE and close).
/// </summary>
public sealed record ImapRejected(string? Tag, ImapStatus Status, string? Code, string Text, bool CloseConnection = false) : ImapReadResult;
