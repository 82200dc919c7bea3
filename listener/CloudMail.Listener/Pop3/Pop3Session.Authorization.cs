using CloudMail.Core.Auth;
using CloudMail.Core.Mailboxes;
using CloudMail.Listener.Network;
using CloudMail.Protocols.Pop3;
using CloudMail.Protocols.Pop3.Commands;
using CloudMail.Protocols.Sasl;

namespace CloudMail.Listener.Pop3;

/// <summary>AUTHORIZATION state: CAPA, USER, PASS, AUTH, STLS, QUIT (RFC 1939 §4 and §7, RFC 2449, RFC 2595, RFC 5034).</summary>
internal sealed partial class Pop3Session
{
    private string? _pendingUser;
    private Pop3Maildrop? _maildrop;
    private IDisposable? _maildropLock;
    private IDisposable? _sessionSlot;

    /// <summary>RFC 8314 §3 / RFC 2595 §2.1: passwords only over TLS, unless the operator allowed otherwise.</summary>
    private bool LoginAllowed => connection.IsSecure || _options.AllowInsecureAuth;

    /// <summary>RFC 2595 §4: STLS is offered on the plaintext POP3 port until TLS is active.</summary>
    private bool StlsOffered => !connection.IsSecure && connection.Kind == EndpointKind.Pop3;

    /// <summary>RFC 2449 §5.</summary>
    private bool Capa()
    {
        connection.Write(Pop3MultiLine.Format(Pop3Replies.CapabilityListFollows, Pop3Capabilities.For(LoginAllowed, StlsOffered)));
        return true;
    }

    /// <summary>RFC 1939 §7 USER. Refused before TLS so that the following PASS is never sent in the clear.</summary>
    private bool User(UserCommand command)
    {
        if (!LoginAllowed)
        {
            Error(Pop3Replies.TlsRequired);
            return false;
        }
        _pendingUser = command.Name;
        Reply(Pop3Replies.UserAccepted);
        return true;
    }

    /// <summary>RFC 1939 §7 PASS: must follow USER directly.</summary>
    private Task<bool> PassAsync(PassCommand command, string? pendingUser, CancellationToken cancellationToken)
    {
        if (!LoginAllowed)
        {
            Error(Pop3Replies.TlsRequired);
            return Task.FromResult(false);
        }
        if (pendingUser is null)
        {
            Error(Pop3Replies.UserFirst);
            return Task.FromResult(false);
        }
        return LoginAsync(pendingUser, command.Password, cancellationToken);
    }

    /// <summary>RFC 5034 §4 AUTH with PLAIN (RFC 4616), with or without an initial response.</summary>
    private async Task<bool> AuthAsync(AuthCommand command, CancellationToken cancellationToken)
    {
        if (!LoginAllowed)
        {
            Error(Pop3Replies.TlsRequired);
            return false;
        }
        if (command.Mechanism is null)
        {
            connection.Write(Pop3MultiLine.Format(Pop3Replies.MechanismListFollows, [SaslMechanisms.Plain]));
            return false; // a listing, not a login: the state stays AUTHORIZATION
        }
        if (command.Mechanism != SaslMechanisms.Plain)
        {
            Error(Pop3Replies.UnsupportedMechanism);
            return false;
        }

        // RFC 5034 §4 with RFC 4616: "*" cancels; base64 and the PLAIN message are checked by the shared decoder.
        var exchange = new SaslPlainExchange();
        var step = exchange.Start(command.InitialResponse);
        while (step is SaslStep.Challenge challenge)
        {
            Reply(Pop3Replies.Continuation + challenge.Base64); // "+ " with an empty challenge (RFC 5034 §4)
            var line = await ReadAsync((ref System.Buffers.ReadOnlySequence<byte> buffer) =>
                _reader.ReadSaslResponse(ref buffer, _options.MaxSaslResponseLength), cancellationToken).ConfigureAwait(false);
            switch (line)
            {
                case null:
                    _state = Pop3State.Closed;
                    return false;
                case Pop3ParseOutcome<string>.Reject reject:
                    Error(reject.Reply);
                    return false;
                case Pop3ParseOutcome<string>.Parsed parsed:
                    step = exchange.Next(parsed.Value);
                    break;
            }
        }
        if (step is SaslStep.Failed failed)
        {
            Error(Pop3Replies.ForSaslFailure(failed.Reason));
            return false;
        }
        var credentials = (SaslStep.Credentials)step;
        return await LoginAsync(credentials.UserName, credentials.Password, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Checks the password through the shared <see cref="Authenticator"/> (see <see cref="LoginThrottle"/>), then opens the
    /// maildrop; a blank or malformed user name is an ordinary [AUTH] failure.
    /// </summary>
    private async Task<bool> LoginAsync(string user, string password, CancellationToken cancellationToken)
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
                _sessionSlot = services.Sessions.TryAcquire(result.Account!, connection.RemoteEndPoint.Address);
                if (_sessionSlot is null)
                {
                    Pop3Log.TooManySessions(_logger, result.Account!, connection.RemoteAddress);
                    Reply(Pop3Replies.TooManySessions);
                    return false;
                }
                if (await OpenMaildropAsync(result.Account!, cancellationToken).ConfigureAwait(false)) return true;
                CloseMaildrop();
                return false;
        }
    }

    /// <summary>
    /// Takes the account's exclusive lock (RFC 1939 §4; a second session gets [IN-USE], RFC 2449 §8.1.1)
    /// and snapshots INBOX: the same mailbox IMAP shows.
    /// </summary>
    private async Task<bool> OpenMaildropAsync(string account, CancellationToken cancellationToken)
    {
        var lease = services.Locks.TryAcquire(account);
        if (lease is null)
        {
            Pop3Log.MaildropInUse(_logger, account, connection.RemoteAddress);
            Reply(Pop3Replies.MaildropInUse);
            return false;
        }
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
            var messages = await index.GetMessagesAsync(account, DefaultMailboxes.Inbox, cancellationToken).ConfigureAwait(false);
            _maildrop = new Pop3Maildrop(account, inbox.UidValidity, messages);
            _maildropLock = lease;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            lease.Dispose();
            Pop3Log.MaildropFailed(_logger, e, account);
            Reply(Pop3Replies.MaildropUnavailable);
            return false;
        }
        Pop3Log.LoggedIn(_logger, account, connection.RemoteAddress, _maildrop.LiveCount);
        Reply(Pop3Replies.MaildropReady(_maildrop.LiveCount));
        return true;
    }

    /// <summary>
    /// RFC 2595 §4 STLS. The handshake discards any plaintext the client pipelined after STLS
    /// (<see cref="ClientConnection.UpgradeToTlsAsync"/>), and the client must ask CAPA again. A failed
    /// handshake closes the session quietly (debug log): the channel is neither plaintext nor TLS any more.
    /// </summary>
    private async Task<bool> StlsAsync(CancellationToken cancellationToken)
    {
        if (connection.IsSecure)
        {
            Error(Pop3Replies.TlsActive);
            return false;
        }
        if (!StlsOffered)
        {
            Error(Pop3Replies.TlsUnavailable);
            return false;
        }
        Reply(Pop3Replies.BeginTls);
        if (await connection.TryUpgradeToTlsAsync(_options.TlsHandshakeTimeout, cancellationToken).ConfigureAwait(false) is { } failure)
        {
            Pop3Log.TlsFailed(_logger, connection.RemoteAddress, failure);
            _state = Pop3State.Closed;
            return false;
        }
        _reader.Reset();
        Pop3Log.TlsStarted(_logger, connection.RemoteAddress);
        return true;
    }

    /// <summary>RFC 1939 §4 (AUTHORIZATION: just close) and §6 (TRANSACTION: the table moves to UPDATE, see <see cref="UpdateAsync"/>).</summary>
    private bool Quit()
    {
        if (_state == Pop3State.Authorization) Reply(Pop3Replies.SigningOff);
        return true;
    }

    private void CloseMaildrop()
    {
        _maildropLock?.Dispose();
        _maildropLock = null;
        _sessionSlot?.Dispose();
        _sessionSlot = null;
    }
}
