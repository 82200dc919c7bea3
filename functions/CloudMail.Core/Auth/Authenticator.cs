using System.Collections.Concurrent;
using CloudMail.Core.Directory;
using CloudMail.Core.Messages;
using Microsoft.Extensions.Logging;

namespace CloudMail.Core.Auth;

/// <summary>Outcome of a login attempt. Every value but <see cref="Succeeded"/> is a failed login for the client.</summary>
public enum AuthStatus
{
    Succeeded,

    /// <summary>Wrong password or unknown account.</summary>
    Failed,

    /// <summary>
    /// Refused without a password check: this address made too many recent failures for this account, or failed on too
    /// many accounts (see <see cref="LoginThrottle"/>). Answer with the protocol's temporary failure.
    /// </summary>
    Throttled,

    /// <summary>
    /// The user name was blank, had control characters or was too long (<see cref="UserNames"/>); nothing was looked up.
    /// Answer as <see cref="Failed"/>, and do not log the name as received.
    /// </summary>
    InvalidUserName,
}

/// <summary>Result of <see cref="Authenticator.AuthenticateAsync"/>; <see cref="Account"/> is the canonical address on success.</summary>
public sealed record AuthResult(AuthStatus Status, string? Account)
{
    public bool Succeeded => Status == AuthStatus.Succeeded;
}

/// <summary>
/// Checks a user name and password against the directory, with throttling. The one place every protocol
/// authenticates through. Never logs the password. The user name is checked by <see cref="UserNames"/> first; then the
/// attempt is reserved with <see cref="LoginThrottle.BeginAsync"/> (waiting its turn while attempts in flight fill a
/// limit), waits its growing delay, and is checked (unless refused).
/// An account is never locked: the password of an attempt from an address that is not itself refused is always checked.
/// A password verified recently for the same stored hash is accepted from <see cref="VerifiedCredentialCache"/> without
/// the hash; a successful check of a hash made with fewer than <see cref="AuthOptions.PasswordHashIterations"/> rehashes
/// the password with the current count (best effort: a failed write leaves the old hash, which still works).
/// When the client's address is unknown (it is one of <see cref="ProxyClientAddresses"/>: the proxy's, shared by every
/// client behind it) the attempt is throttled per account only (<see cref="LoginThrottle.Begin"/> without an address), so
/// five bad logins by anyone never lock everyone out; the first such attempt from each proxy address is logged as a warning.
/// A disabled account (<see cref="Account.Disabled"/>) is refused before the cache is consulted, with the wrong-password
/// answer; the reason is logged.
/// </summary>
public sealed partial class Authenticator(IMailDirectory directory, LoginThrottle throttle, AuthOptions options,
    VerifiedCredentialCache? cache = null, ProxyClientAddresses? proxies = null, ILogger<Authenticator>? logger = null)
{
    /// <summary>Proxy addresses already reported as unknown client addresses; bounded, proxies are few.</summary>
    private readonly ConcurrentDictionary<string, byte> _reportedProxies = new(StringComparer.Ordinal);

    public async Task<AuthResult> AuthenticateAsync(string userName, string password, string remoteAddress, CancellationToken cancellationToken)
    {
        if (UserNames.Check(userName) is not null)
        {
            if (options.FailureDelay > TimeSpan.Zero)
                await Task.Delay(options.FailureDelay, throttle.Time, cancellationToken).ConfigureAwait(false);
            return new AuthResult(AuthStatus.InvalidUserName, null);
        }
        string account = MailAddresses.Normalize(userName);
        using var attempt = await throttle.BeginAsync(account, ThrottleAddress(remoteAddress), cancellationToken).ConfigureAwait(false);
        await attempt.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (attempt.Refused) return new AuthResult(AuthStatus.Throttled, null);

        var record = await directory.GetAccountAsync(account, cancellationToken).ConfigureAwait(false);
        if (record is { Disabled: true }) return RefuseDisabled(attempt, record, password, remoteAddress);
        if (record is not null && cache is not null && cache.Contains(record.Address, password, record.PasswordHash))
        {
            attempt.Succeeded();
            return new AuthResult(AuthStatus.Succeeded, record.Address);
        }
        bool ok = false;
        if (record is not null) ok = await VerifyAsync(record, password, cancellationToken).ConfigureAwait(false);
        else Check(password, _dummyHash.Value); // hash even for unknown users so timing does not reveal which accounts exist
        if (!ok)
        {
            Telemetry.CloudMailTelemetry.AuthFailures.Add(1);
            attempt.Failed();
            return new AuthResult(AuthStatus.Failed, null);
        }
        attempt.Succeeded();
        string storedHash = await RehashIfWeakAsync(record!, password, cancellationToken).ConfigureAwait(false);
        // VerifyAsync remembered the password under the hash it checked; only a rehash gives a new one to remember.
        if (storedHash != record!.PasswordHash) cache?.Add(record.Address, password, storedHash);
        return new AuthResult(AuthStatus.Succeeded, record.Address);
    }

    /// <summary>
    /// Checks <paramref name="password"/> against the stored hash of <paramref name="record"/>, once for all identical
    /// attempts in flight: an attempt that finds the same (account, password, stored hash) being checked waits for that
    /// check's answer instead of paying the hash again (a client pool opening 20 connections at once costs one hash, not
    /// 20). With the credential cache a right password is remembered before the check ends, so an attempt arriving just
    /// after finds it there. Keyed by the cache's HMAC (no password is kept); without the cache every attempt hashes.
    /// </summary>
    private async Task<bool> VerifyAsync(Account record, string password, CancellationToken cancellationToken)
    {
        if (cache is null) return Check(password, record.PasswordHash);
        string entry = cache.EntryOf(record.Address, password, record.PasswordHash);
        var mine = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var check = _checksInFlight.GetOrAdd(entry, mine.Task);
        if (check != mine.Task) return await check.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            bool ok = cache.Contains(record.Address, password, record.PasswordHash) || Check(password, record.PasswordHash);
            if (ok) cache.Add(record.Address, password, record.PasswordHash);
            mine.SetResult(ok);
            return ok;
        }
        catch (Exception e)
        {
            mine.SetException(e);
            throw;
        }
        finally
        {
            _checksInFlight.TryRemove(new KeyValuePair<string, Task<bool>>(entry, mine.Task));
        }
    }

    /// <summary>One full hash check, counted (<see cref="PasswordChecks"/>, <c>cloudmail.auth.password_checks</c>).</summary>
    private bool Check(string password, string storedHash)
    {
        Interlocked.Increment(ref _passwordChecks);
        Telemetry.CloudMailTelemetry.PasswordChecks.Add(1);
        return PasswordHasher.Verify(password, storedHash);
    }

    /// <summary>Full password hash checks this authenticator has made (logins the credential cache did not answer).</summary>
    public long PasswordChecks => Interlocked.Read(ref _passwordChecks);

    /// <summary>
    /// The answer to a login to a disabled account: the wrong-password answer, after the same hash check (so neither the
    /// answer nor its timing tells a guesser that the account exists or is disabled), counted as a failure by the throttle
    /// and never cached; the reason goes to the log only.
    /// </summary>
    private AuthResult RefuseDisabled(LoginAttempt attempt, Account record, string password, string remoteAddress)
    {
        Check(password, record.PasswordHash);
        Telemetry.CloudMailTelemetry.AuthFailures.Add(1);
        attempt.Failed();
        if (logger is not null) LogDisabledAccount(logger, record.Address, remoteAddress);
        return new AuthResult(AuthStatus.Failed, null);
    }

    /// <summary>
    /// False when <paramref name="account"/> (an address a session logged in as) was disabled or removed since: sessions
    /// ask before each command and end themselves (IMAP BYE, POP3 -ERR, SMTP 421). Reads through the directory's short
    /// cache, so a change made by another process is seen within <see cref="DirectoryCacheOptions.Duration"/>. A directory
    /// that cannot be read answers true (logged): an outage must not end every open session; the next command asks again.
    /// </summary>
    public async Task<bool> IsActiveAsync(string account, CancellationToken cancellationToken)
    {
        try
        {
            return await directory.GetAccountAsync(account, cancellationToken).ConfigureAwait(false) is { Disabled: false };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (logger is not null) LogStateUnknown(logger, e, account);
            return true;
        }
    }

    /// <summary>The account's hash after the login: a new one with the current work factor when the stored one is weaker.</summary>
    private async Task<string> RehashIfWeakAsync(Account record, string password, CancellationToken cancellationToken)
    {
        if (PasswordHasher.IterationsOf(record.PasswordHash) is not { } iterations || iterations >= options.PasswordHashIterations)
            return record.PasswordHash;
        string stronger = PasswordHasher.Hash(password, options.PasswordHashIterations);
        try
        {
            await directory.SetPasswordHashAsync(record.Address, stronger, cancellationToken).ConfigureAwait(false);
            return stronger;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return record.PasswordHash; // the old hash still verifies; the next login tries again
        }
    }

    /// <summary><paramref name="remoteAddress"/>, or null when it is a proxy's (reported once per proxy address).</summary>
    private string? ThrottleAddress(string remoteAddress)
    {
        if (proxies is null || !proxies.IsProxy(remoteAddress)) return remoteAddress;
        if (logger is not null && _reportedProxies.Count < 256 && _reportedProxies.TryAdd(remoteAddress, 0)) LogClientAddressUnknown(logger, remoteAddress);
        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the state of account {Account}; its open session goes on")]
    private static partial void LogStateUnknown(ILogger logger, Exception exception, string account);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Login to disabled account {Account} from {RemoteAddress} refused (answered as a wrong password)")]
    private static partial void LogDisabledAccount(ILogger logger, string account, string remoteAddress);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Logins through proxy {Proxy} carry no client address (no PROXY header, or PROXY UNKNOWN): login throttling falls back to per-account only until the proxy sends the client's address")]
    private static partial void LogClientAddressUnknown(ILogger logger, string proxy);

    private readonly ConcurrentDictionary<string, Task<bool>> _checksInFlight = new(StringComparer.Ordinal);
    private long _passwordChecks;

    private readonly Lazy<string> _dummyHash = new(() => PasswordHasher.Hash(Guid.NewGuid().ToString(), options.PasswordHashIterations));
}
