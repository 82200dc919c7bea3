using CloudMail.Protocols.Imap.Parsing;

namespace CloudMail.Protocols.Imap.Commands;

/// <summary>
/// CREATE mailbox [(USE (use-attr ...))] (RFC 3501 §6.3.3; create parameters RFC 4466 §2.2, USE RFC 6154 §3).
/// <see cref="Mailbox"/> is decoded from modified UTF-7; <see cref="EightBit"/> is true when the client sent it as raw
/// 8-bit octets (refused, RFC 3501 §5.1). <see cref="Use"/> holds the special-use attributes asked for ("\Archive"
/// ...), empty without a USE parameter; whether they are supported is the server's business (NO [USEATTR]).
/// </summary>
public sealed record CreateCommand(string Tag, string Mailbox, bool EightBit, IReadOnlyList<string> Use) : ImapCommand(Tag)
{
    public override string Name => "CREATE";

    /// <summary>create = "CREATE" SP mailbox [create-params]; create-params = SP "(" create-param *(SP create-param) ")".</summary>
    internal static ImapCommand? Parse(string tag, ImapTokenizer t)
    {
        if (!t.Sp() || !t.Mailbox(out string mailbox, out bool eightBit)) return null;
        var use = new List<string>();
        if (!t.TryConsume(' ')) return new CreateCommand(tag, mailbox, eightBit, use);
        if (!t.Expect('(')) return null;
        do
        {
            // RFC 6154 §6: create-param =/ "USE" SP "(" [use-attr *(SP use-attr)] ")"; no other parameter is known.
            if (!t.Atom(out string name)) return null;
            if (!name.Equals("USE", StringComparison.OrdinalIgnoreCase)) { t.Fail("Unknown CREATE parameter " + name); return null; }
            if (!t.Sp() || !UseAttributes(t, use)) return null;
        }
        while (t.TryConsume(' '));
        return t.Expect(')') ? new CreateCommand(tag, mailbox, eightBit, use) : null;
    }

    /// <summary>"(" [use-attr *(SP use-attr)] ")", each use-attr "\" atom.</summary>
    private static bool UseAttributes(ImapTokenizer t, List<string> use)
    {
        if (!t.Expect('(')) return false;
        if (t.TryConsume(')')) return true;
        do
        {
            if (t.Peek() != '\\' || !t.Flag(out string attribute)) return t.Fail("Expected a special-use attribute");
            use.Add(attribute);
        }
        while (t.TryConsume(' '));
        return t.Expect(')', "Expected ')' after special-use attributes");
    }
}
