using CloudMail.Protocols.Imap.Parsing;

namespace CloudMail.Protocols.Imap.Commands;

/// <summary>
/// SETQUOTA quota-root (resource limit ...) (RFC 9208 §4.2.3). Parsed in full so that a malformed one gets BAD; the
/// server refuses every well-formed one (users may not set their own quota).
/// </summary>
public sealed record SetQuotaCommand(string Tag, string Root, IReadOnlyList<(string Resource, ulong Limit)> Limits) : ImapCommand(Tag)
{
    public override string Name => "SETQUOTA";

    /// <summary>
    /// setquota = "SETQUOTA" SP quota-root-name SP setquota-list;
    /// setquota-list = "(" [setquota-resource *(SP setquota-resource)] ")"; setquota-resource = resource-name SP resource-limit.
    /// </summary>
    internal static ImapCommand? Parse(string tag, ImapTokenizer t)
    {
        if (!t.Sp() || !t.AString(out string root) || !t.Sp() || !t.Expect('(')) return null;
        var limits = new List<(string, ulong)>();
        if (t.TryConsume(')')) return new SetQuotaCommand(tag, root, limits);
        do
        {
            if (!t.Atom(out string resource) || !t.Sp() || !t.Number64(out ulong limit)) return null;
            limits.Add((resource.ToUpperInvariant(), limit));
        }
        while (t.TryConsume(' '));
        return t.Expect(')') ? new SetQuotaCommand(tag, root, limits) : null;
    }
}
