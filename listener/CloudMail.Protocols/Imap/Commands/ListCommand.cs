using CloudMail.Protocols.Imap.Parsing;

namespace CloudMail.Protocols.Imap.Commands;

/// <summary>
/// LIST and LSUB (RFC 3501 §6.3.8, §6.3.9). For LIST the extended forms of RFC 5258 §3 too: selection options
/// before the reference (<see cref="SelectionOptionNames"/>), several patterns in parentheses, and RETURN options
/// (<see cref="ReturnOptionNames"/>; STATUS (items), RFC 5819, asks for a STATUS response per listed mailbox:
/// <see cref="StatusItems"/>). Options are upper-cased; an unknown one, or RECURSIVEMATCH without a selection
/// option it could refine, is BAD (RFC 5258 §3).
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

    /// <summary>RFC 5258 §3.1 SUBSCRIBED, REMOTE, RECURSIVEMATCH; RFC 6154 §3 SPECIAL-USE.</summary>
    public static readonly IReadOnlySet<string> SelectionOptionNames = new HashSet<string>(StringComparer.Ordinal)
        { "SUBSCRIBED", "REMOTE", "RECURSIVEMATCH", "SPECIAL-USE" };

    /// <summary>RFC 5258 §3.2 SUBSCRIBED, CHILDREN; RFC 6154 §2 SPECIAL-USE; RFC 5819 §2 STATUS.</summary>
    public static readonly IReadOnlySet<string> ReturnOptionNames = new HashSet<string>(StringComparer.Ordinal)
        { "SUBSCRIBED", "CHILDREN", "SPECIAL-USE", "STATUS" };

    /// <summary>list = "LIST" [SP list-select-opts] SP mailbox SP mbox-or-pat [SP list-return-opts].</summary>
    internal static ImapCommand? ParseList(string tag, ImapTokenizer t)
    {
        if (!t.Sp()) return null;
        var selection = new List<string>();
        if (t.Peek() == '(')
        {
            if (!OptionList(t, selection, SelectionOptionNames) || !t.Sp()) return null;
            // RFC 5258 §3.1: RECURSIVEMATCH alone (or with REMOTE only) refines nothing and MUST be answered BAD.
            if (selection.Contains("RECURSIVEMATCH") && !selection.Any(o => o is "SUBSCRIBED" or "SPECIAL-USE"))
            {
                t.Fail("RECURSIVEMATCH needs another selection option");
                return null;
            }
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
            if (!t.Sp() || !OptionList(t, returns, ReturnOptionNames, items => status = items)) return null;
        }
        return new ListCommand(tag, false, reference, patterns, selection, returns, status);
    }

    /// <summary>lsub = "LSUB" SP mailbox SP list-mailbox.</summary>
    internal static ImapCommand? ParseLsub(string tag, ImapTokenizer t) =>
        t.Sp() && t.Mailbox(out string reference) && t.Sp() && t.ListMailbox(out string pattern)
            ? new ListCommand(tag, true, reference, [pattern], [], [])
            : null;

    /// <summary>
    /// "(" [option *(SP option)] ")", each option one of <paramref name="known"/>. The one option with parameters is
    /// the return option STATUS (RFC 5819 §2: <c>STATUS (status-att ...)</c>), handed to <paramref name="status"/>;
    /// it is an error where that is null.
    /// </summary>
    private static bool OptionList(ImapTokenizer t, List<string> options, IReadOnlySet<string> known, Action<List<string>>? status = null)
    {
        if (!t.Expect('(')) return false;
        if (t.TryConsume(')')) return true;
        do
        {
            if (!t.Atom(out string option)) return false;
            option = option.ToUpperInvariant();
            if (status is null && option == "STATUS") return t.Fail("STATUS is a return option");
            if (!known.Contains(option)) return t.Fail("Unknown LIST option " + option);
            options.Add(option);
            if (option == "STATUS")
            {
                if (!t.Sp() || !StatusCommand.ParseItems(t, out var items)) return false;
                status!(items);
            }
        }
        while (t.TryConsume(' '));
        return t.Expect(')');
    }
}
