using CloudMail.Protocols.Imap.Parsing;

namespace CloudMail.Protocols.Imap.Commands;

/// <summary>ENABLE capability... (RFC 5161 §3.1).</summary>
public sealed record EnableCommand(string Tag, IReadOnlyList<string> Capabilities) : ImapCommand(Tag)
{
    public override string Name => "ENABLE";

    /// <summary>enable = "ENABLE" 1*(SP capability).</summary>
    internal static ImapCommand? Parse(string tag, ImapTokenizer t)
    {
        var caps = new List<string>();
        do
        {
            if (!t.Sp() || !t.Atom(out string cap)) return null;
            caps.Add(cap);
        }
        while (t.Peek() == ' ');
        return new EnableCommand(tag, caps);
    }
}
