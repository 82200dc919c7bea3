using System.Collections.Frozen;

namespace CloudMail.Protocols.Imap;

/// <summary>One row of the state table: where a command is valid and what may be reported with it.</summary>
/// <param name="States">The states the command is valid in; elsewhere it is a protocol error (tagged BAD).</param>
/// <param name="Updates">Which unsolicited updates may accompany its response (RFC 3501 §7.4.1, §5.5).</param>
/// <param name="Refresh">Re-read the selected mailbox even without a change signal (NOOP, CHECK, IDLE: RFC 3501 §6.1.2 polling).</param>
public sealed record ImapCommandRule(ImapStates States, UntaggedUpdates Updates, bool Refresh = false);

/// <summary>
/// The IMAP state machine as data (RFC 3501 §3 and §6, RFC 9051 §3 and §6): each command's valid states and its
/// unsolicited-update policy. The session refuses unknown commands and commands outside their states in one place,
/// with <see cref="Refusal"/>. Transitions depend on the outcome (a failed SELECT leaves no mailbox selected,
/// RFC 3501 §6.3.1), so the handlers enter the next state themselves: LOGIN/AUTHENTICATE -> Authenticated,
/// SELECT/EXAMINE -> Selected, CLOSE/UNSELECT -> Authenticated, LOGOUT -> Logout.
/// </summary>
public static class ImapStateTable
{
    private static readonly ImapCommandRule AnyState = new(ImapStates.Any, UntaggedUpdates.All);
    private static readonly ImapCommandRule NotAuthenticated = new(ImapStates.NotAuthenticated, UntaggedUpdates.None);
    private static readonly ImapCommandRule LoggedIn = new(ImapStates.LoggedIn, UntaggedUpdates.All);
    private static readonly ImapCommandRule Selected = new(ImapStates.Selected, UntaggedUpdates.All);
    private static readonly ImapCommandRule SelectedNoExpunge = new(ImapStates.Selected, UntaggedUpdates.NoExpunge);

    /// <summary>Every command the server knows, by name as the parser gives it ("UID FETCH" etc.).</summary>
    public static readonly FrozenDictionary<string, ImapCommandRule> Rules = new Dictionary<string, ImapCommandRule>(StringComparer.Ordinal)
    {
        // Any state (RFC 3501 §6.1, RFC 2971 ID).
        ["CAPABILITY"] = AnyState,
        ["NOOP"] = AnyState with { Refresh = true },
        ["LOGOUT"] = AnyState with { Updates = UntaggedUpdates.None },
        ["ID"] = AnyState,

        // Not authenticated (RFC 3501 §6.2).
        ["STARTTLS"] = NotAuthenticated,
        ["LOGIN"] = NotAuthenticated,
        ["AUTHENTICATE"] = NotAuthenticated,

        // Authenticated (RFC 3501 §6.3), also valid when a mailbox is selected; RFC 5161 ENABLE, RFC 2342 NAMESPACE, RFC 2177 IDLE.
        ["ENABLE"] = LoggedIn,
        ["NAMESPACE"] = LoggedIn,
        ["SELECT"] = LoggedIn with { Updates = UntaggedUpdates.None },
        ["EXAMINE"] = LoggedIn with { Updates = UntaggedUpdates.None },
        ["CREATE"] = LoggedIn,
        ["DELETE"] = LoggedIn,
        ["RENAME"] = LoggedIn,
        ["SUBSCRIBE"] = LoggedIn,
        ["UNSUBSCRIBE"] = LoggedIn,
        ["LIST"] = LoggedIn,
        ["LSUB"] = LoggedIn,
        ["STATUS"] = LoggedIn,
        ["APPEND"] = LoggedIn,
        ["IDLE"] = LoggedIn with { Refresh = true },
        ["NOTIFY"] = LoggedIn, // RFC 5465 §5: authenticated or selected
        // RFC 9208 §4.2 QUOTA.
        ["GETQUOTAROOT"] = LoggedIn,
        ["GETQUOTA"] = LoggedIn,
        ["SETQUOTA"] = LoggedIn,
        ["COMPRESS"] = LoggedIn with { Updates = UntaggedUpdates.None }, // RFC 4978 §3: after authentication; nothing but the OK before compression

        // Selected (RFC 3501 §6.4, RFC 3691 UNSELECT, RFC 4315 UID EXPUNGE, RFC 6851 MOVE).
        ["CHECK"] = Selected with { Refresh = true },
        ["CLOSE"] = Selected with { Updates = UntaggedUpdates.None },
        ["UNSELECT"] = Selected with { Updates = UntaggedUpdates.None },
        ["EXPUNGE"] = Selected,
        ["UID EXPUNGE"] = Selected,
        // RFC 3501 §7.4.1: no EXPUNGE while a sequence-number command runs; the UID forms may have it.
        ["SEARCH"] = SelectedNoExpunge,
        ["UID SEARCH"] = Selected,
        ["FETCH"] = SelectedNoExpunge,
        ["UID FETCH"] = Selected,
        ["STORE"] = SelectedNoExpunge,
        ["UID STORE"] = Selected,
        ["COPY"] = Selected,
        ["UID COPY"] = Selected,
        ["MOVE"] = Selected,
        ["UID MOVE"] = Selected,
        // RFC 5256 §3 SORT and THREAD: sequence-number forms like SEARCH.
        ["SORT"] = SelectedNoExpunge,
        ["UID SORT"] = Selected,
        ["THREAD"] = SelectedNoExpunge,
        ["UID THREAD"] = Selected,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>True when <paramref name="command"/> is known and valid in <paramref name="state"/>.</summary>
    public static bool IsAllowed(ImapState state, string command) =>
        Rules.TryGetValue(command, out var rule) && (rule.States & ToStates(state)) != 0;

    /// <summary>
    /// Null when <paramref name="command"/> is valid in <paramref name="state"/>, else the text of the tagged BAD
    /// [CLIENTBUG] (RFC 3501 §6: a command outside its states is a protocol error; RFC 5530 §3).
    /// </summary>
    public static string? Refusal(ImapState state, string command) =>
        IsAllowed(state, command) ? null : $"{command} is not valid in the {Name(state)} state";

    /// <summary>The state as the flags of <see cref="ImapCommandRule.States"/>; Logout is in none.</summary>
    public static ImapStates ToStates(ImapState state) => state switch
    {
        ImapState.NotAuthenticated => ImapStates.NotAuthenticated,
        ImapState.Authenticated => ImapStates.Authenticated,
        ImapState.Selected => ImapStates.Selected,
        _ => 0,
    };

    /// <summary>The state's name as RFC 3501 §3 writes it.</summary>
    public static string Name(ImapState state) => state switch
    {
        ImapState.NotAuthenticated => "not authenticated",
        ImapState.Authenticated => "authenticated",
        ImapState.Selected => "selected",
        _ => "logout",
    };
}
