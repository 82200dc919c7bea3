using CloudMail.Protocols.Imap.Model;
using CloudMail.Protocols.Imap.Parsing;

namespace CloudMail.Protocols.Imap.Commands;

/// <summary>COPY / UID COPY (RFC 3501 §6.4.7) and MOVE / UID MOVE (RFC 6851 §3.1).</summary>
public sealed record CopyCommand(string Tag, bool Uid, bool Move, SequenceSet Set, string Mailbox) : ImapCommand(Tag)
{
    public override string Name => (Uid ? "UID " : "") + (Move ? "MOVE" : "COPY");

    /// <summary>copy = "COPY" SP sequence-set SP mailbox; move = "MOVE" SP sequence-set SP mailbox.</summary>
    internal static Func<string, ImapTokenizer, ImapCommand?> Parser(bool uid, bool move) => (tag, t) =>
        t.Sp() && t.SequenceSet(out var set) && t.Sp() && t.Mailbox(out string mailbox)
            ? new CopyCommand(tag, uid, move, set, mailbox)
            : null;
}
