namespace CloudMail.Core.Mailboxes;

/// <summary>
/// The exclusive per-account maildrop lock of POP3 (RFC 1939 §4: after login the server acquires an exclusive-access
/// lock on the maildrop for the session; a second session gets <c>-ERR [IN-USE]</c>, RFC 2449 §8.1.1 / RFC 3206).
/// It must exclude sessions on every replica of the listener: embedded, one process (<see cref="InProcessMaildropLocks"/>);
/// Azure, a renewable blob lease, so a crashed holder's lock expires by itself within the lease duration.
/// </summary>
public interface IMaildropLocks
{
    /// <summary>
    /// Takes the lock of <paramref name="account"/> (any spelling case), or returns null when another session holds it.
    /// Dispose the result to release it; it stays held (renewed when the backend needs it) until then.
    /// Throws on storage failures (the caller answers <c>-ERR [SYS/TEMP]</c>).
    /// </summary>
    Task<IAsyncDisposable?> TryAcquireAsync(string account, CancellationToken cancellationToken);
}
