using System.Collections.Frozen;

namespace CloudMail.Protocols.Pop3;

/// <summary>
/// The POP3 state machine as data: which command is allowed in which state, and the state a successful
/// command leads to. Out-of-order commands get <see cref="Pop3Replies.WrongState"/> from <see cref="Check"/>,
/// the one place that decides it. A failed command never changes the state (RFC 1939 §7: a failed PASS
/// leaves the session in AUTHORIZATION).
/// </summary>
public static class Pop3StateTable
{
    private static readonly FrozenDictionary<(Pop3State, Pop3CommandKind), Pop3State> Transitions =
        new Dictionary<(Pop3State, Pop3CommandKind), Pop3State>
        {
            // RFC 1939 §4, RFC 2449 §5 (CAPA in both states), RFC 2595 §4 (STLS), RFC 5034 §4 (AUTH).
            [(Pop3State.Authorization, Pop3CommandKind.Capa)] = Pop3State.Authorization,
            [(Pop3State.Authorization, Pop3CommandKind.User)] = Pop3State.Authorization,
            [(Pop3State.Authorization, Pop3CommandKind.Pass)] = Pop3State.Transaction,
            [(Pop3State.Authorization, Pop3CommandKind.Auth)] = Pop3State.Transaction,
            [(Pop3State.Authorization, Pop3CommandKind.Stls)] = Pop3State.Authorization,
            // RFC 1939 §4: QUIT in AUTHORIZATION ends the session without entering UPDATE.
            [(Pop3State.Authorization, Pop3CommandKind.Quit)] = Pop3State.Closed,

            // RFC 1939 §5 and §7.
            [(Pop3State.Transaction, Pop3CommandKind.Capa)] = Pop3State.Transaction,
            [(Pop3State.Transaction, Pop3CommandKind.Stat)] = Pop3State.Transaction,
            [(Pop3State.Transaction, Pop3CommandKind.List)] = Pop3State.Transaction,
            [(Pop3State.Transaction, Pop3CommandKind.Uidl)] = Pop3State.Transaction,
            [(Pop3State.Transaction, Pop3CommandKind.Retr)] = Pop3State.Transaction,
            [(Pop3State.Transaction, Pop3CommandKind.Top)] = Pop3State.Transaction,
            [(Pop3State.Transaction, Pop3CommandKind.Dele)] = Pop3State.Transaction,
            [(Pop3State.Transaction, Pop3CommandKind.Rset)] = Pop3State.Transaction,
            [(Pop3State.Transaction, Pop3CommandKind.Noop)] = Pop3State.Transaction,
            // RFC 1939 §6: QUIT in TRANSACTION enters UPDATE.
            [(Pop3State.Transaction, Pop3CommandKind.Quit)] = Pop3State.Update,
        }.ToFrozenDictionary();

    /// <summary>True when <paramref name="command"/> may be given in <paramref name="state"/>.</summary>
    public static bool IsAllowed(Pop3State state, Pop3CommandKind command) => Transitions.ContainsKey((state, command));

    /// <summary>Null when the command is allowed, otherwise the reply to send (<see cref="Pop3Replies.WrongState"/>).</summary>
    public static string? Check(Pop3State state, Pop3CommandKind command) =>
        IsAllowed(state, command) ? null : Pop3Replies.WrongState;

    /// <summary>
    /// The state after <paramref name="command"/> succeeded in <paramref name="state"/>. Throws
    /// <see cref="InvalidOperationException"/> for a pair <see cref="IsAllowed"/> rejects (a server bug).
    /// </summary>
    public static Pop3State After(Pop3State state, Pop3CommandKind command) =>
        Transitions.TryGetValue((state, command), out var next)
            ? next
            : throw new InvalidOperationException($"{command} is not allowed in {state}.");

    /// <summary>The commands allowed in <paramref name="state"/> (for tests and diagnostics).</summary>
    public static IReadOnlyList<Pop3CommandKind> AllowedIn(Pop3State state) =>
        Transitions.Keys.Where(k => k.Item1 == state).Select(k => k.Item2).Order().ToList();
}
