using CloudMail.Protocols.Imap.Model;
using CloudMail.Protocols.Imap.Parsing;

namespace CloudMail.Protocols.Imap.Commands;

/// <summary>
/// SELECT and EXAMINE (RFC 3501 §6.3.1, §6.3.2), with the CONDSTORE parameter (RFC 7162 §3.1.8) and the QRESYNC
/// parameter (RFC 7162 §3.2.5).
/// </summary>
public sealed record SelectCommand(string Tag, string Mailbox, bool ReadOnly, bool CondStore, QResyncParameters? QResync = null) : ImapCommand(Tag)
{
    public override string Name => ReadOnly ? "EXAMINE" : "SELECT";

    /// <summary>select = "SELECT" SP mailbox [SP "(" select-param *(SP select-param) ")"].</summary>
    internal static Func<string, ImapTokenizer, ImapCommand?> Parser(bool readOnly) => (tag, t) =>
    {
        if (!t.Sp() || !t.Mailbox(out string mailbox)) return null;
        bool condStore = false;
        QResyncParameters? qresync = null;
        if (t.TryConsume(' '))
        {
            if (!t.Expect('(')) return null;
            do
            {
                if (t.TryKeyword("CONDSTORE")) condStore = true;
                else if (t.TryKeyword("QRESYNC"))
                {
                    if (qresync is not null) { t.Fail("QRESYNC given twice"); return null; }
                    if (!t.Sp() || !QResyncParameters.TryParse(t, out qresync)) return null;
                }
                else { t.Fail("Unsupported SELECT parameter"); return null; }
            }
            while (t.TryConsume(' '));
            if (!t.Expect(')')) return null;
        }
        return new SelectCommand(tag, mailbox, readOnly, condStore, qresync);
    };
}

/// <summary>
/// The QRESYNC select parameter (RFC 7162 §3.2.5): what the client last knew of the mailbox. <paramref name="KnownUids"/>
/// limits what is reported as vanished; <paramref name="KnownSequences"/> with <paramref name="KnownSequenceUids"/> (the
/// seq-match-data) lets the server tell which UIDs the client still holds.
/// </summary>
public sealed record QResyncParameters(uint UidValidity, ulong ModSeq, SequenceSet? KnownUids, SequenceSet? KnownSequences, SequenceSet? KnownSequenceUids)
{
    /// <summary>"(" uidvalidity SP mod-sequence-value [SP known-uids] [SP seq-match-data] ")".</summary>
    internal static bool TryParse(ImapTokenizer t, out QResyncParameters parameters)
    {
        parameters = null!;
        if (!t.Expect('(') || !t.NzNumber(out uint uidValidity) || !t.Sp() || !t.Number64(out ulong modSeq)) return false;
        if (modSeq == 0) return t.Fail("QRESYNC mod-sequence must not be zero");
        SequenceSet? known = null, sequences = null, sequenceUids = null;
        if (t.TryConsume(' '))
        {
            if (t.AtSequenceSet)
            {
                if (!t.SequenceSet(out var set)) return false;
                known = set;
                if (t.TryConsume(' ') && !SeqMatch(t, out sequences, out sequenceUids)) return false;
            }
            else if (!SeqMatch(t, out sequences, out sequenceUids)) return false;
        }
        if (!t.Expect(')')) return false;
        parameters = new QResyncParameters(uidValidity, modSeq, known, sequences, sequenceUids);
        return true;
    }

    private static bool SeqMatch(ImapTokenizer t, out SequenceSet? sequences, out SequenceSet? uids)
    {
        sequences = uids = null;
        if (!t.Expect('(') || !t.SequenceSet(out var s) || !t.Sp() || !t.SequenceSet(out var u) || !t.Expect(')')) return false;
        (sequences, uids) = (s, u);
        return true;
    }
}
