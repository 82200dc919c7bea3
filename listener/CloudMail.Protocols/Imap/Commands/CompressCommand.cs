using CloudMail.Protocols.Imap.Parsing;

namespace CloudMail.Protocols.Imap.Commands;

/// <summary>COMPRESS mechanism (RFC 4978 §3); DEFLATE is the only mechanism defined.</summary>
public sealed record CompressCommand(string Tag, string Mechanism) : ImapCommand(Tag)
{
    public override string Name => "COMPRESS";

    /// <summary>command-auth =/ compress; compress = "COMPRESS" SP algorithm; algorithm = "DEFLATE" (RFC 4978 §5, any atom read).</summary>
    internal static ImapCommand? Parse(string tag, ImapTokenizer t) =>
        t.Sp() && t.Atom(out string mechanism) ? new CompressCommand(tag, mechanism.ToUpperInvariant()) : null;
}
