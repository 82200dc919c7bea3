using CloudMail.Protocols.Imap.Parsing;

namespace CloudMail.Protocols.Imap.Commands;

/// <summary>GETQUOTA quota-root (RFC 9208 §4.2.1). <see cref="Root"/> is the root's name as sent ("" is the account's).</summary>
public sealed record GetQuotaCommand(string Tag, string Root) : ImapCommand(Tag)
{
    public override string Name => "GETQUOTA";

    /// <summary>getquota = "GETQUOTA" SP quota-root-name; quota-root-name = astring.</summary>
    internal static ImapCommand? Parse(string tag, ImapTokenizer t) =>
        t.Sp() && t.AString(out string root) ? new GetQuotaCommand(tag, root) : null;
}
