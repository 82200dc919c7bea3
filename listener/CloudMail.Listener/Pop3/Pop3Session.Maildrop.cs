using CloudMail.Core.Auth;
using CloudMail.Core.Mailboxes;
using CloudMail.Listener.Network;
using CloudMail.Protocols.Pop3;

namespace CloudMail.Listener.Pop3;

/// <summary>The login (RFC 1939 §4) and the maildrop it holds through TRANSACTION and UPDATE (RFC 1939 §5, §6).</summary>
internal sealed partial class Pop3Session
{
    private Pop3Login? _login;

    /// <summary>RFC 8314 §3 / RFC 2595 §2.1: passwords only over TLS, unless the operator allowed otherwise.</summary>
    public bool LoginAllowed => connection.IsSecure || _options.AllowInsecureAuth;

    /// <summary>RFC 2595 §4: STLS is offered on the plaintext POP3 port until TLS is active.</summary>
    public bool StlsOffered => !connection.IsSecure && connection.Kind == EndpointKind.Pop3;

    /// <summary>The maildrop of TRANSACTION; the state table lets no command that needs it run before login.</summary>
    public Pop3Maildrop Maildrop => _login?.Maildrop ?? throw new InvalidOperationException("No maildrop outside TRANSACTION.");

    /// <summary>
    /// Checks the password through the shared <see cref="Authenticator"/> (see <see cref="LoginThrottle"/>), then opens the
    /// maildrop; a blank or malformed user name is an ordinary [AUTH] failure. True when TRANSACTION may begin.
    /// </summary>
    public async Task<bool> LoginAsync(string user, string password, CancellationToken cancellationToken)
    {
        var result = await services.Authenticator.AuthenticateAsync(user, password, connection.RemoteAddress, cancellationToken).ConfigureAwait(false);
        switch (result.Status)
        {
            case AuthStatus.Throttled:
                Pop3Log.LoginThrottled(_logger, user, connection.RemoteAddress);
                Error(Pop3Replies.Throttled);
                return false;
            case AuthStatus.Failed:
                Pop3Log.LoginFailed(_logger, user, connection.RemoteAddress);
                Error(Pop3Replies.AuthFailed);
                return false;
            case AuthStatus.InvalidUserName:
                // Never log the name: it may carry control characters (log forging) or be over-long.
                Pop3Log.LoginWithInvalidUserName(_logger, connection.RemoteAddress);
                Error(Pop3Replies.AuthFailed);
                return false;
            default:
                // Checked after the password, so that the refusal reveals nothing to a guesser.
                var sessionSlot = services.Sessions.TryAcquire(result.Account!, connection.RemoteEndPoint.Address);
                if (sessionSlot is null)
                {
                    Pop3Log.TooManySessions(_logger, result.Account!, connection.RemoteAddress);
                    Reply(Pop3Replies.TooManySessions);
                    return false;
                }
                if (await OpenMaildropAsync(result.Account!, sessionSlot, cancellationToken).ConfigureAwait(false)) return true;
                sessionSlot.Dispose();
                return false;
        }
    }

    /// <summary>
    /// Takes the account's exclusive lock (RFC 1939 §4; a second session gets [IN-USE], RFC 2449 §8.1.1)
    /// and snapshots INBOX: the same mailbox IMAP shows.
    /// </summary>
    private async Task<bool> OpenMaildropAsync(string account, IDisposable sessionSlot, CancellationToken cancellationToken)
    {
        IAsyncDisposable? lease;
        try
        {
            lease = await services.Locks.TryAcquireAsync(account, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Pop3Log.MaildropFailed(_logger, e, account);
            Reply(Pop3Replies.MaildropUnavailable);
            return false;
        }
        if (lease is null)
        {
            Pop3Log.MaildropInUse(_logger, account, connection.RemoteAddress);
            Reply(Pop3Replies.MaildropInUse);
            return false;
        }
        Pop3Maildrop maildrop;
        try
        {
            var index = services.Mailboxes;
            var inbox = await index.GetMailboxAsync(account, DefaultMailboxes.Inbox, cancellationToken).ConfigureAwait(false);
            if (inbox is null)
            {
                // An account created before its mailboxes (or by an older version): give it the defaults.
                await index.EnsureDefaultMailboxesAsync(account, cancellationToken).ConfigureAwait(false);
                inbox = await index.GetMailboxAsync(account, DefaultMailboxes.Inbox, cancellationToken).ConfigureAwait(false)
                    ?? throw new MailboxNotFoundException(DefaultMailboxes.Inbox);
            }
            var messages = await services.Listings.ListAsync(account, inbox, cancellationToken).ConfigureAwait(false);
            maildrop = new Pop3Maildrop(account, inbox.UidValidity, messages);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await lease.DisposeAsync().ConfigureAwait(false);
            Pop3Log.MaildropFailed(_logger, e, account);
            Reply(Pop3Replies.MaildropUnavailable);
            return false;
        }
        _login = new Pop3Login(maildrop, lease, sessionSlot);
        Pop3Log.LoggedIn(_logger, account, connection.RemoteAddress, maildrop.LiveCount);
        Reply(Pop3Replies.MaildropReady(maildrop.LiveCount));
        return true;
    }

    /// <summary>
    /// RFC 1939 §6 UPDATE: expunges the marked UIDs from INBOX (IMAP sessions see them vanish, and are
    /// signalled), releases the lock and closes. On a storage failure nothing is lost: the marked messages
    /// stay and the client hears "-ERR some deleted messages not removed".
    /// </summary>
    private async Task UpdateAsync(CancellationToken cancellationToken)
    {
        var maildrop = Maildrop;
        var marked = maildrop.DeletedUids;
        try
        {
            int removed = 0;
            if (marked.Count > 0)
            {
                removed = (await services.Mailboxes.ExpungeAsync(maildrop.Account, DefaultMailboxes.Inbox, marked, cancellationToken).ConfigureAwait(false)).Count;
                services.Notifier.Notify(maildrop.Account);
            }
            Pop3Log.Updated(_logger, maildrop.Account, removed, marked.Count);
            Reply(Pop3Replies.Updated(marked.Count));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Pop3Log.UpdateFailed(_logger, e, maildrop.Account, marked.Count);
            Reply(Pop3Replies.NotAllDeleted);
        }
        await CloseMaildropAsync().ConfigureAwait(false);
        _state = Pop3State.Closed;
    }

    /// <summary>
    /// Runs a storage read for a TRANSACTION command. A failure (missing blob, I/O error) becomes
    /// "-ERR [SYS/TEMP]" and the session goes on; it is the server's fault, so it does not count as a client error.
    /// </summary>
    public async Task<(bool Ok, T Value)> TryStorageAsync<T>(Func<ValueTask<T>> read, MessageRecord? message)
    {
        try
        {
            return (true, await read().ConfigureAwait(false));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Pop3Log.MessageUnavailable(_logger, e, Maildrop.Account, message?.Uid ?? 0);
            Reply(Pop3Replies.MessageUnavailable);
            return (false, default!);
        }
    }

    private async ValueTask CloseMaildropAsync()
    {
        Pop3Login? login = _login;
        _login = null;
        if (login is not null) await login.DisposeAsync().ConfigureAwait(false);
    }
}
