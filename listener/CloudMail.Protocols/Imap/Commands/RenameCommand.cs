using CloudMail.Protocols.Imap.Parsing;

namespace CloudMail.Protocols.Imap.Commands;

/// <summary>RENAME existing new (RFC 3501 §6.3.5).</summary>
public sealed record RenameCommand(string Tag, string From, string To) : ImapCommand(Tag)
{
    public override string Name => "RENAME";

    /// <summary>rename = "RENAME" SP mailbox SP mailbox.</summary>
    internal static ImapCommand? Parse(string tag, ImapTokenizer t) =>
        t.Sp() && t.Mailbox(out string from) && t.Sp() && t.Mailbox(out string to) ? new RenameCommand(tag, from, to) : null;
}
