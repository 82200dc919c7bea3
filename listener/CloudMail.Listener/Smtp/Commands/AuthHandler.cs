using CloudMail.Core.Auth;
using CloudMail.Protocols.Sasl;
using CloudMail.Protocols.Smtp;
using CloudMail.Protocols.Smtp.Commands;
using CloudMail.Protocols.Smtp.Parsing;

namespace CloudMail.Listener.Smtp.Commands;

/// <summary>
/// AUTH (RFC 4954 §4) with PLAIN or LOGIN, decoded by the shared SASL exchanges (<see cref="SaslMechanisms"/>) and
/// checked through <see cref="Authenticator"/> (see <see cref="LoginThrottle"/>); a blank or malformed user name is an
/// ordinary 535. Port 25 never gets here (502 in the dispatcher).
/// </summary>
internal static class AuthHandler
{
    public static async ValueTask<bool> HandleAsync(SmtpSession s, AuthCommand auth, SmtpState next)
    {
        if (s.Identity is not null) return s.Error(SmtpReplies.AlreadyAuthenticated);
        if (!s.Connection.IsSecure && !s.Options.AllowInsecureAuth) return s.Error(SmtpReplies.EncryptionRequired);
        var exchange = SaslMechanisms.Create(auth.Mechanism);
        if (exchange is null) return s.Error(SmtpReplies.UnknownMechanism);

        var step = exchange.Start(auth.InitialResponse);
        while (step is SaslStep.Challenge challenge)
        {
            s.Send(SmtpReplies.AuthChallenge(challenge.Base64));
            var (status, line) = await s.ReadResponseLineAsync().ConfigureAwait(false);
            if (status == SmtpLineStatus.NeedMoreData) return false; // end of input
            if (status == SmtpLineStatus.TooLong) return s.Error(SmtpReplies.AuthLineTooLong);
            step = exchange.Next(line);
        }
        if (step is SaslStep.Failed failed)
        {
            var reply = SmtpReplies.ForSaslFailure(failed.Reason);
            SmtpLog.AuthFailed(s.Log, auth.Mechanism, s.Remote, reply.Code == 501 ? "cancelled or malformed" : "refused");
            return s.Error(reply);
        }
        var credentials = (SaslStep.Credentials)step;
        var result = await s.Services.Authenticator.AuthenticateAsync(credentials.UserName, credentials.Password, s.Remote, s.Token).ConfigureAwait(false);
        switch (result.Status)
        {
            case AuthStatus.Succeeded:
                s.Authenticated(new SmtpIdentity(result.Account!, auth.Mechanism), next);
                SmtpLog.AuthSucceeded(s.Log, auth.Mechanism, result.Account!, s.Remote);
                s.Send(SmtpReplies.AuthSucceeded);
                return true;
            case AuthStatus.Throttled:
                SmtpLog.AuthFailed(s.Log, auth.Mechanism, s.Remote, "throttled");
                return s.Error(SmtpReplies.AuthThrottled);
            case AuthStatus.InvalidUserName:
                SmtpLog.AuthFailed(s.Log, auth.Mechanism, s.Remote, "invalid user name");
                return s.Error(SmtpReplies.AuthFailed);
            default:
                SmtpLog.AuthFailed(s.Log, auth.Mechanism, s.Remote, "bad credentials");
                return s.Error(SmtpReplies.AuthFailed);
        }
    }
}
