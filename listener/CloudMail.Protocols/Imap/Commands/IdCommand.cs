using CloudMail.Protocols.Imap.Parsing;

namespace CloudMail.Protocols.Imap.Commands;

/// <summary>ID (RFC 2971 §3.3): the client's identification, or null for "ID NIL".</summary>
public sealed record IdCommand(string Tag, IReadOnlyList<KeyValuePair<string, string?>>? Parameters) : ImapCommand(Tag)
{
    /// <summary>RFC 2971 §3.3: at most 30 field-value pairs.</summary>
    public const int MaxPairs = 30;

    public override string Name => "ID";

    /// <summary>id = "ID" SP id-params-list; id-params-list = "(" *(string SP nstring) ")" / nil.</summary>
    internal static ImapCommand? Parse(string tag, ImapTokenizer t)
    {
        if (!t.Sp()) return null;
        if (t.TryKeyword("NIL")) return new IdCommand(tag, null);
        if (!t.Expect('(')) return null;
        var pairs = new List<KeyValuePair<string, string?>>();
        if (!t.TryConsume(')'))
        {
            do
            {
                if (!t.String(out byte[] key) || !t.Sp() || !t.NString(out byte[]? value)) return null;
                if (pairs.Count == MaxPairs) { t.Fail("Too many ID parameters"); return null; }
                pairs.Add(new(ImapTokenizer.Utf8(key), value is null ? null : ImapTokenizer.Utf8(value)));
            }
            while (t.TryConsume(' '));
            if (!t.Expect(')')) return null;
        }
        return new IdCommand(tag, pairs);
    }
}
