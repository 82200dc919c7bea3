using System.Collections.Frozen;

namespace CloudMail.Protocols.Smtp;

/// <summary>
/// The SMTP session state machine as data: for each state, which commands are allowed and the state a
/// successful command leads to. A command that is not in the table for the current state gets
/// <see cref="SmtpReplies.BadSequence"/> (503 5.5.1), and only the session's dispatcher sends it.
/// A failed command leaves the state unchanged, except DATA and BDAT LAST, which end the transaction
/// either way (RFC 5321 §4.1.1.4; RFC 3030 §2).
/// </summary>
public static class SmtpStateTable
{
    private static readonly FrozenDictionary<(SmtpState, SmtpVerb), SmtpState> Transitions = Build();

    private static FrozenDictionary<(SmtpState, SmtpVerb), SmtpState> Build()
    {
        var t = new Dictionary<(SmtpState, SmtpVerb), SmtpState>();
        foreach (var s in Enum.GetValues<SmtpState>())
        {
            // RFC 5321 §4.1.4: HELO/EHLO may come at any time and reset the transaction; RSET, NOOP, QUIT,
            // VRFY, EXPN and HELP are allowed anywhere. RSET before EHLO stays before EHLO.
            t[(s, SmtpVerb.Helo)] = SmtpState.Greeted;
            t[(s, SmtpVerb.Ehlo)] = SmtpState.Greeted;
            t[(s, SmtpVerb.Rset)] = s == SmtpState.Connected ? SmtpState.Connected : SmtpState.Greeted;
            t[(s, SmtpVerb.Noop)] = s;
            t[(s, SmtpVerb.Quit)] = s;
            t[(s, SmtpVerb.Vrfy)] = s;
            t[(s, SmtpVerb.Expn)] = s;
            t[(s, SmtpVerb.Help)] = s;
        }

        // RFC 5321 §4.1.4: MAIL needs HELO/EHLO first and no open transaction.
        t[(SmtpState.Greeted, SmtpVerb.Mail)] = SmtpState.MailGiven;
        // RFC 3207 §4.2: after the handshake the client must EHLO again. STARTTLS only outside a transaction.
        t[(SmtpState.Greeted, SmtpVerb.StartTls)] = SmtpState.Connected;
        // RFC 4954 §4: "The AUTH command is not permitted during a mail transaction."
        t[(SmtpState.Greeted, SmtpVerb.Auth)] = SmtpState.Greeted;
        // RFC 5321 §3.3: RCPT after MAIL.
        t[(SmtpState.MailGiven, SmtpVerb.Rcpt)] = SmtpState.RcptGiven;
        t[(SmtpState.RcptGiven, SmtpVerb.Rcpt)] = SmtpState.RcptGiven;
        // RFC 5321 §3.3: DATA only with at least one accepted recipient (503 rather than 554, both allowed).
        t[(SmtpState.RcptGiven, SmtpVerb.Data)] = SmtpState.Greeted;
        // RFC 3030 §2: BDAT after RCPT; DATA and BDAT are not mixed in one transaction.
        t[(SmtpState.RcptGiven, SmtpVerb.Bdat)] = SmtpState.BdatInProgress;
        t[(SmtpState.RcptGiven, SmtpVerb.BdatLast)] = SmtpState.Greeted;
        t[(SmtpState.BdatInProgress, SmtpVerb.Bdat)] = SmtpState.BdatInProgress;
        t[(SmtpState.BdatInProgress, SmtpVerb.BdatLast)] = SmtpState.Greeted;
        return t.ToFrozenDictionary();
    }

    /// <summary>True when <paramref name="verb"/> is allowed in <paramref name="state"/>; <paramref name="next"/> is where success leads.</summary>
    public static bool TryGetNext(SmtpState state, SmtpVerb verb, out SmtpState next) => Transitions.TryGetValue((state, verb), out next);

    /// <summary>True when <paramref name="verb"/> is allowed in <paramref name="state"/>.</summary>
    public static bool IsAllowed(SmtpState state, SmtpVerb verb) => Transitions.ContainsKey((state, verb));
}
