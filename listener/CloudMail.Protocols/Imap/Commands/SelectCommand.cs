using CloudMail.Protocols.Imap.Parsing;

namespace CloudMail.Protocols.Imap.Commands;

/// <summary>SELECT and EXAMINE (RFC 3501 §6.3.1, §6.3.2), with the CONDSTORE parameter (RFC 7162 §3.1.8).</summary>
public sealed record SelectCommand(string Tag, string Mailbox, bool ReadOnly, bool CondStore) : ImapCommand(Tag)
{
    public override string Name => ReadOnly ? "EXAMINE" : "SELECT";

    /// <summary>select = "SELECT" SP mailbox [SP "(" select-param *(SP select-param) ")"].</summary>
    internal static Func<string, ImapTokenizer, ImapCommand?> Parser(bool readOnly) => (tag, t) =>
    {
        if (!t.Sp() || !t.Mailbox(out string mailbox)) return null;
        bool condStore = false;
        if (t.TryConsume(' '))
        {
            if (!t.Expect('(')) return null;
            do
            {
                if (!t.TryKeyword("CONDSTORE")) { t.Fail("Unsupported SELECT parameter"); return null; }
                condStore = true;
            }
            while (t.TryConsume(' '));
            if (!t.Expect(')')) return null;
        }
        return new SelectCommand(tag, mailbox, readOnly, condStore);
    };
}
