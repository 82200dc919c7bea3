using CloudMail.Core.Directory;
using CloudMail.Core.Messages;

namespace CloudMail.Core.Auth;

/// <summary>Outcome of a login attempt.</summary>
public enum AuthStatus
{
    Succeeded,
    Failed,

    /// <summary>Too many recent failures for this account or IP; the password was not checked.</summary>
    Throttled,
}

/// <summary>Result of <see cref="Authenticator.AuthenticateAsync"/>; <see cref="Account"/> is the canonical address on success.</summary>
public sealed record AuthResult(AuthStatus Status, string? Account)
{
    public bool Succeeded => Status == AuthStatus.Succeeded;
}

/// <summary>
/// Checks a user name and password against the directory, with throttling. The one place every protocol
/// authenticates through. Never logs the password. On failure it waits <see cref="AuthOptions.FailureDelay"/>.
/// </summary>
public sealed class Authenticator(IMailDirectory directory, LoginThrottle throttle, AuthOptions options)
{
    public async Task<AuthResult> AuthenticateAsync(string userName, string password, string remoteAddress, CancellationToken cancellationToken)
    {
        string account = MailAddresses.Normalize(userName);
        if (throttle.IsLockedOut(account, remoteAddress))
        {
            await Task.Delay(options.FailureDelay, cancellationToken).ConfigureAwait(false);
            return new AuthResult(AuthStatus.Throttled, null);
        }
        var record = await directory.GetAccountAsync(account, cancellationToken).ConfigureAwait(false);
        // Hash even for unknown users so timing does not reveal which accounts exist.
        bool ok = PasswordHasher.Verify(password, record?.PasswordHash ?? _dummyHash.Value) && record is not null;
        if (ok)
        {
            throttle.RecordSuccess(account);
            return new AuthResult(AuthStatus.Succeeded, record!.Address);
        }
        throttle.RecordFailure(account, remoteAddress);
        await Task.Delay(options.FailureDelay, cancellationToken).ConfigureAwait(false);
        return new AuthResult(AuthStatus.Failed, null);
    }

    private readonly Lazy<string> _dummyHash = new(() => PasswordHasher.Hash(Guid.NewGuid().ToString(), options.PasswordHashIterations));
}
