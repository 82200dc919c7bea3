using CloudMail.Protocols.Imap.Parsing;

namespace CloudMail.Protocols.Imap.Commands;

/// <summary>
/// LIST and LSUB (RFC 3501 §6.3.8, §6.3.9). For LIST the RFC 5258 forms are accepted too: selection options
/// before the reference (only SPECIAL-USE, RFC 6154 §3, and SUBSCRIBED change the result), several patterns
/// in parentheses, and RETURN options (SPECIAL-USE, CHILDREN and SUBSCRIBED are honoured; STATUS (items), RFC 5819,
/// asks for a STATUS response per listed mailbox: <see cref="StatusItems"/>).
/// </summary>
public sealed record ListCommand(
    string Tag,
    bool Lsub,
    string Reference,
    IReadOnlyList<string> Patterns,
    IReadOnlyList<string> SelectionOptions,
    IReadOnlyList<string> ReturnOptions,
    IReadOnlyList<string>? StatusItems = null) : ImapCommand(Tag)
{
    public override string Name => Lsub ? "LSUB" : "LIST";

    /// <summary>list = "LIST" [SP list-select-opts] SP mailbox SP mbox-or-pat [SP list-return-opts].</summary>
    internal static ImapCommand? ParseList(string tag, ImapTokenizer t)
    {
        if (!t.Sp()) return null;
        var selection = new List<string>();
        if (t.Peek() == '(')
        {
            if (!OptionList(t, selection) || !t.Sp()) return null;
        }
        if (!t.Mailbox(out string reference) || !t.Sp()) return null;
        var patterns = new List<string>();
        if (t.TryConsume('('))
        {
            do
            {
                if (!t.ListMailbox(out string p)) return null;
                patterns.Add(p);
            }
            while (t.TryConsume(' '));
            if (!t.Expect(')')) return null;
        }
        else
        {
            if (!t.ListMailbox(out string p)) return null;
            patterns.Add(p);
        }
        var returns = new List<string>();
        List<string>? status = null;
        if (t.TryConsume(' '))
        {
            if (!t.TryKeyword("RETURN")) { t.Fail("Expected RETURN"); return null; }
            if (!t.Sp() || !OptionList(t, returns, items => status = items)) return null;
        }
        return new ListCommand(tag, false, reference, patterns, selection, returns, status);
    }

    /// <summary>lsub = "LSUB" SP mailbox SP list-mailbox.</summary>
    internal static ImapCommand? ParseLsub(string tag, ImapTokenizer t) =>
        t.Sp() && t.Mailbox(out string reference) && t.Sp() && t.ListMailbox(out string pattern)
            ? new ListCommand(tag, true, reference, [pattern], [], [])
            : null;

    /// <summary>
    /// "(" [option *(SP option)] ")". The one option with parameters is the return option STATUS (RFC 5819 §2:
    /// <c>STATUS (status-att ...)</c>), handed to <paramref name="status"/>; it is an error where that is null.
    /// </summary>
    private static bool OptionList(ImapTokenizer t, List<string> options, Action<List<string>>? status = null)
    {
        if (!t.Expect('(')) return false;
        if (t.TryConsume(')')) return true;
        do
        {
            if (!t.Atom(out string option)) return false;
            option = option.ToUpperInvariant();
            options.Add(option);
            if (option == "STATUS")
            {
                if (status is null) return t.Fail("STATUS is a return option");
                if (!t.Sp() || !StatusCommand.ParseItems(t, out var items)) return false;
                status(items);
            }
        }
        while (t.TryConsume(' '));
        return t.Expect(')');
    }
}
