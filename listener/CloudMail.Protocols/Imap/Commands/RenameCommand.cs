using CloudMail.Protocols.Imap.Parsing;

namespace CloudMail.Protocols.Imap.Commands;

/// <summary>
/// RENAME existing new (RFC 3501 §6.3.5). <see cref="ToEightBit"/> is true when the new name came as raw 8-bit
/// octets instead of modified UTF-7 (refused, RFC 3501 §5.1).
/// </summary>
public sealed record RenameCommand(string Tag, string From, string To, bool ToEightBit = false) : ImapCommand(Tag)
{
    public override string Name => "RENAME";

    /// <summary>rename = "RENAME" SP mailbox SP mailbox.</summary>
    internal static ImapCommand? Parse(string tag, ImapTokenizer t) =>
        t.Sp() && t.Mailbox(out string from) && t.Sp() && t.Mailbox(out string to, out bool toEightBit) ? new RenameCommand(tag, from, to, toEightBit) : null;
}
