namespace CloudMail.Core.Auth;

/// <summary>What <see cref="LoginThrottle.Begin"/> decided for one attempt.</summary>
public enum LoginVerdict
{
    /// <summary>Wait the delay, then check the password.</summary>
    Check,

    /// <summary>This address made too many recent failures for this account; refused without checking.</summary>
    RefusedForAccountAddress,

    /// <summary>This address failed on too many distinct accounts and is not known for this one; refused without checking.</summary>
    RefusedForAddress,

    /// <summary>
    /// Too few failures to refuse, but with the attempts still in flight (each counted as a failure until it settles) a
    /// limit is reached: nothing is reserved; wait for an attempt to settle and decide again
    /// (<see cref="LoginThrottle.BeginAsync"/> does), so parallel logins queue instead of being refused.
    /// </summary>
    Busy,
}

/// <summary>How a reserved attempt ended.</summary>
internal enum LoginOutcome
{
    Succeeded,
    Failed,

    /// <summary>Ended without a password check (cancelled, directory error): released uncounted.</summary>
    Abandoned,
}

/// <summary>
/// One login attempt reserved by <see cref="LoginThrottle.Begin"/>. A <see cref="LoginVerdict.Check"/> attempt counts as a
/// failure while in flight; report <see cref="Succeeded"/> or <see cref="Failed"/> once, and dispose it in any case
/// (disposing an unreported attempt releases it uncounted).
/// </summary>
public sealed class LoginAttempt : IDisposable
{
    private readonly LoginThrottle _throttle;
    private readonly string _account;
    private readonly string? _remoteAddress;
    private int _settled;

    internal LoginAttempt(LoginThrottle throttle, string account, string? remoteAddress, LoginVerdict verdict, TimeSpan delay)
    {
        _throttle = throttle;
        _account = account;
        _remoteAddress = remoteAddress;
        Verdict = verdict;
        Delay = delay;
        _settled = verdict == LoginVerdict.Check ? 0 : 1; // a refused or busy attempt reserved nothing
    }

    public LoginVerdict Verdict { get; }

    /// <summary>For a <see cref="LoginVerdict.Busy"/> attempt, the refusal the attempts in flight hold it at.</summary>
    internal LoginVerdict BusyLimit { get; init; }

    /// <summary>True when the attempt is refused without a password check.</summary>
    public bool Refused => Verdict is LoginVerdict.RefusedForAccountAddress or LoginVerdict.RefusedForAddress;

    /// <summary>How long to wait before answering (before the password check, for an attempt that is checked).</summary>
    public TimeSpan Delay { get; }

    /// <summary>Waits <see cref="Delay"/> on the throttle's clock.</summary>
    public Task WaitAsync(CancellationToken cancellationToken) =>
        Delay <= TimeSpan.Zero ? Task.CompletedTask : Task.Delay(Delay, _throttle.Time, cancellationToken);

    /// <summary>The password was right: clears the pair's failures and remembers the address for the account.</summary>
    public void Succeeded() => Settle(LoginOutcome.Succeeded);

    /// <summary>The password was wrong (or the account does not exist): the reservation becomes a counted failure.</summary>
    public void Failed() => Settle(LoginOutcome.Failed);

    public void Dispose() => Settle(LoginOutcome.Abandoned);

    private void Settle(LoginOutcome outcome)
    {
        if (Interlocked.Exchange(ref _settled, 1) == 0) _throttle.Complete(_account, _remoteAddress, outcome);
        else if (outcome != LoginOutcome.Abandoned && Verdict != LoginVerdict.Check) throw new InvalidOperationException("A login attempt that was not let through has no outcome to report.");
    }
}
