using CloudMail.Protocols.Imap.Model;
using CloudMail.Protocols.Imap.Parsing;

namespace CloudMail.Protocols.Imap.Commands;

/// <summary>How STORE combines flags (RFC 3501 §6.4.6).</summary>
public enum StoreMode
{
    /// <summary>FLAGS: replace.</summary>
    Replace,

    /// <summary>+FLAGS: add.</summary>
    Add,

    /// <summary>-FLAGS: remove.</summary>
    Remove,
}

/// <summary>STORE / UID STORE (RFC 3501 §6.4.6) with the UNCHANGEDSINCE modifier (RFC 7162 §3.1.3).</summary>
public sealed record StoreCommand(string Tag, bool Uid, SequenceSet Set, StoreMode Mode, bool Silent, IReadOnlyList<string> Flags, ulong? UnchangedSince)
    : ImapCommand(Tag)
{
    public override string Name => Uid ? "UID STORE" : "STORE";

    /// <summary>
    /// store = "STORE" SP sequence-set [SP "(" "UNCHANGEDSINCE" SP mod-sequence-valzer ")"] SP store-att-flags;
    /// store-att-flags = (["+" / "-"] "FLAGS" [".SILENT"]) SP (flag-list / (flag *(SP flag))).
    /// </summary>
    internal static Func<string, ImapTokenizer, ImapCommand?> Parser(bool uid) => (tag, t) =>
    {
        if (!t.Sp() || !t.SequenceSet(out var set) || !t.Sp()) return null;
        ulong? unchangedSince = null;
        if (t.TryConsume('('))
        {
            if (!t.TryKeyword("UNCHANGEDSINCE")) { t.Fail("Unsupported STORE modifier"); return null; }
            if (!t.Sp() || !t.Number64(out ulong value) || !t.Expect(')') || !t.Sp()) return null;
            unchangedSince = value;
        }
        var mode = t.TryConsume('+') ? StoreMode.Add : t.TryConsume('-') ? StoreMode.Remove : StoreMode.Replace;
        if (!t.Word(out string word)) return null;
        bool silent;
        switch (word.ToUpperInvariant())
        {
            case "FLAGS": silent = false; break;
            case "FLAGS.SILENT": silent = true; break;
            default: t.Fail("Expected FLAGS, +FLAGS or -FLAGS"); return null;
        }
        if (!t.Sp()) return null;
        List<string> flags;
        if (t.Peek() == '(')
        {
            if (!t.FlagList(out flags)) return null;
        }
        else
        {
            flags = [];
            do
            {
                if (!t.Flag(out string f)) return null;
                flags.Add(f);
            }
            while (t.TryConsume(' '));
        }
        return new StoreCommand(tag, uid, set, mode, silent, flags, unchangedSince);
    };
}
