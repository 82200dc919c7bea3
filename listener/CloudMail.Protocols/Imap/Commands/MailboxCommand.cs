using CloudMail.Protocols.Imap.Parsing;

namespace CloudMail.Protocols.Imap.Commands;

/// <summary>
/// Commands whose only argument is a mailbox: CREATE (RFC 3501 §6.3.3), DELETE (§6.3.4), SUBSCRIBE (§6.3.6),
/// UNSUBSCRIBE (§6.3.7). <see cref="Mailbox"/> is decoded from modified UTF-7.
/// </summary>
public sealed record MailboxCommand(string Tag, string CommandName, string Mailbox) : ImapCommand(Tag)
{
    public override string Name => CommandName;

    /// <summary>create / delete / subscribe / unsubscribe = NAME SP mailbox.</summary>
    internal static Func<string, ImapTokenizer, ImapCommand?> Parser(string name) => (tag, t) =>
        t.Sp() && t.Mailbox(out string mailbox) ? new MailboxCommand(tag, name, mailbox) : null;
}
