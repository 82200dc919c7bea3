using CloudMail.Listener.Imap.Session;
using CloudMail.Protocols.Imap;
using CloudMail.Protocols.Imap.Commands;
using CloudMail.Protocols.Sasl;

namespace CloudMail.Listener.Imap.Commands;

/// <summary>
/// AUTHENTICATE (RFC 9051 §6.2.2, RFC 3501 §6.2.2) with PLAIN (RFC 4616) or LOGIN, with an initial response (SASL-IR,
/// RFC 4959) or after the mechanism's challenges, decoded by the shared exchanges (<see cref="SaslMechanisms"/>): a "*" line cancels
/// (tagged BAD), so do undecodable or malformed responses; another authorization identity is NO [AUTHORIZATIONFAILED].
/// Refused before TLS unless AllowInsecureAuth.
/// </summary>
internal static class AuthenticateHandler
{
    public static async Task<ImapCompletion> HandleAsync(ImapSession s, AuthenticateCommand command, CancellationToken ct)
    {
        if (SaslMechanisms.Create(command.Mechanism) is not { } exchange) return ImapCompletion.No(ImapResponseCodes.Cannot, "Unsupported authentication mechanism");
        if (!s.CanAuthenticate) return ImapCompletion.No(ImapResponseCodes.PrivacyRequired, "Authentication is disabled until STARTTLS");

        var step = exchange.Start(command.InitialResponse);
        while (step is SaslStep.Challenge challenge)
        {
            s.W.Raw("+ ").Raw(challenge.Base64).Crlf();
            await s.Out.FlushAsync(ct).ConfigureAwait(false);
            string? response = await s.ReadLineAsync(ct).ConfigureAwait(false);
            if (response is null) return ImapCompletion.AlreadySent;
            step = exchange.Next(response);
        }
        return step switch
        {
            SaslStep.Credentials credentials => await s.LoginAsync(credentials.UserName, credentials.Password, command.Mechanism, ct).ConfigureAwait(false),
            SaslStep.Failed { Reason: SaslFailure.Cancelled } => ImapCompletion.Bad("Authentication cancelled"),
            SaslStep.Failed { Reason: SaslFailure.InvalidEncoding } => ImapCompletion.Bad("Invalid base64 in authentication response"),
            SaslStep.Failed { Reason: SaslFailure.AuthorizationRefused } =>
                ImapCompletion.No(ImapResponseCodes.AuthorizationFailed, "Acting as another user is not allowed", isError: true),
            _ => ImapCompletion.Bad($"Malformed {command.Mechanism} response"),
        };
    }
}
