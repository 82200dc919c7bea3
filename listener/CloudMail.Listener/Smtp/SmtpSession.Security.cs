using CloudMail.Core.Auth;
using CloudMail.Listener.Network;
using CloudMail.Protocols.Smtp;
using CloudMail.Protocols.Smtp.Commands;
using CloudMail.Protocols.Smtp.Parsing;
using CloudMail.Protocols.Sasl;

namespace CloudMail.Listener.Smtp;

/// <summary>STARTTLS (RFC 3207) and AUTH (RFC 4954).</summary>
internal sealed partial class SmtpSession
{
    /// <summary>
    /// AUTH is offered only on submission endpoints, only before a successful AUTH, and only over TLS
    /// unless <see cref="SmtpOptions.AllowInsecureAuth"/> (RFC 8314 §3; RFC 4954 §4 forbids advertising a
    /// mechanism that would send a password in the clear when that is not allowed).
    /// </summary>
    private bool AuthOffered =>
        _connection.Kind.IsSubmission() && _authenticatedUser is null && (_connection.IsSecure || _o.AllowInsecureAuth);

    /// <summary>
    /// STARTTLS (RFC 3207 §4): 220, then the handshake. Input the client sent behind the command is
    /// discarded, never executed (§4.2; CVE-2011-0411), and everything learned before is forgotten: the
    /// client must send EHLO again.
    /// </summary>
    private async ValueTask<bool> StartTlsAsync(SmtpState next)
    {
        Send(SmtpReplies.ReadyToStartTls);
        DiscardInput();
        if (await _connection.TryUpgradeToTlsAsync(_o.TlsHandshakeTimeout, _shutdown).ConfigureAwait(false) is { } failure)
        {
            SmtpLog.TlsFailed(Log, Remote, failure);
            return false;
        }
        await AbandonTransactionAsync().ConfigureAwait(false);
        _heloName = null;
        _extended = false;
        _authenticatedUser = null;
        _state = next;
        return true;
    }

    /// <summary>
    /// AUTH (RFC 4954 §4) with PLAIN or LOGIN, checked through <see cref="Authenticator"/> (see
    /// <see cref="LoginThrottle"/>); a blank or malformed user name is an ordinary 535. Port 25 never gets here (502 in the dispatcher).
    /// </summary>
    private async ValueTask<bool> AuthAsync(AuthCommand auth, SmtpState next)
    {
        if (_authenticatedUser is not null) return Error(SmtpReplies.AlreadyAuthenticated);
        if (!_connection.IsSecure && !_o.AllowInsecureAuth) return Error(SmtpReplies.EncryptionRequired);
        var exchange = SaslMechanisms.Create(auth.Mechanism);
        if (exchange is null) return Error(SmtpReplies.UnknownMechanism);

        var step = exchange.Start(auth.InitialResponse);
        while (step is SaslStep.Challenge challenge)
        {
            Send(SmtpReplies.AuthChallenge(challenge.Base64));
            var (status, line) = await ReadResponseLineAsync().ConfigureAwait(false);
            if (status == SmtpLineStatus.NeedMoreData) return false; // end of input
            if (status == SmtpLineStatus.TooLong) return Error(SmtpReplies.AuthLineTooLong);
            step = exchange.Next(line);
        }
        if (step is SaslStep.Failed failed)
        {
            var reply = SmtpReplies.ForSaslFailure(failed.Reason);
            SmtpLog.AuthFailed(Log, auth.Mechanism, Remote, reply.Code == 501 ? "cancelled or malformed" : "refused");
            return Error(reply);
        }
        var credentials = (SaslStep.Credentials)step;
        var result = await _s.Authenticator.AuthenticateAsync(credentials.UserName, credentials.Password, Remote, _io.Token).ConfigureAwait(false);
        switch (result.Status)
        {
            case AuthStatus.Succeeded:
                _authenticatedUser = result.Account;
                _state = next;
                SmtpLog.AuthSucceeded(Log, auth.Mechanism, result.Account!, Remote);
                Send(SmtpReplies.AuthSucceeded);
                return true;
            case AuthStatus.Throttled:
                SmtpLog.AuthFailed(Log, auth.Mechanism, Remote, "throttled");
                return Error(SmtpReplies.AuthThrottled);
            case AuthStatus.InvalidUserName:
                SmtpLog.AuthFailed(Log, auth.Mechanism, Remote, "invalid user name");
                return Error(SmtpReplies.AuthFailed);
            default:
                SmtpLog.AuthFailed(Log, auth.Mechanism, Remote, "bad credentials");
                return Error(SmtpReplies.AuthFailed);
        }
    }

    /// <summary>Reads one SASL response line. <see cref="SmtpLineStatus.NeedMoreData"/> means the input ended.</summary>
    private async ValueTask<(SmtpLineStatus Status, string? Line)> ReadResponseLineAsync()
    {
        while (true)
        {
            var status = _reader.ReadText(ref _buffer, out string? line);
            if (status != SmtpLineStatus.NeedMoreData)
            {
                _line.Reset();
                return (status, line);
            }
            if (!await ReadLineInputAsync().ConfigureAwait(false)) return (SmtpLineStatus.NeedMoreData, null);
        }
    }
}
