using CloudMail.Protocols.Imap.Model;
using CloudMail.Protocols.Imap.Parsing;

namespace CloudMail.Protocols.Imap.Commands;

/// <summary>EXPUNGE (RFC 3501 §6.4.3) and UID EXPUNGE sequence-set (RFC 4315 §2.1).</summary>
public sealed record ExpungeCommand(string Tag, SequenceSet? UidSet) : ImapCommand(Tag)
{
    public override string Name => UidSet is null ? "EXPUNGE" : "UID EXPUNGE";

    internal static ImapCommand? Parse(string tag, ImapTokenizer t) => new ExpungeCommand(tag, null);

    /// <summary>uid-expunge = "UID" SP "EXPUNGE" SP sequence-set.</summary>
    internal static ImapCommand? ParseUid(string tag, ImapTokenizer t) =>
        t.Sp() && t.SequenceSet(out var set) ? new ExpungeCommand(tag, set) : null;
}
