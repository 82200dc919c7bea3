using CloudMail.Protocols.Imap.Parsing;

namespace CloudMail.Protocols.Imap.Commands;

/// <summary>
/// Commands whose only argument is a mailbox: CREATE (RFC 3501 §6.3.3), DELETE (§6.3.4), SUBSCRIBE (§6.3.6),
/// UNSUBSCRIBE (§6.3.7), GETQUOTAROOT (RFC 9208 §4.2.2). <see cref="Mailbox"/> is decoded from modified UTF-7; <see cref="EightBit"/> is true when
/// the client sent it as raw 8-bit octets instead (which CREATE refuses, RFC 3501 §5.1).
/// </summary>
public sealed record MailboxCommand(string Tag, string CommandName, string Mailbox, bool EightBit = false) : ImapCommand(Tag)
{
    public override string Name => CommandName;

    /// <summary>delete / subscribe / unsubscribe = NAME SP mailbox.</summary>
    internal static Func<string, ImapTokenizer, ImapCommand?> Parser(string name) => (tag, t) =>
        t.Sp() && t.Mailbox(out string mailbox, out bool eightBit) ? new MailboxCommand(tag, name, mailbox, eightBit) : null;
}
