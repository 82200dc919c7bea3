using CloudMail.Listener.Imap.Session;
using CloudMail.Protocols.Imap;
using CloudMail.Protocols.Imap.Commands;

namespace CloudMail.Listener.Imap.Commands;

/// <summary>LOGIN (RFC 3501 §6.2.3): refused before TLS unless AllowInsecureAuth (LOGINDISABLED, RFC 5530 PRIVACYREQUIRED).</summary>
internal static class LoginHandler
{
    public static Task<ImapCompletion> HandleAsync(ImapSession s, LoginCommand command, CancellationToken ct)
    {
        if (!s.CanAuthenticate)
            return Task.FromResult(ImapCompletion.No(ImapResponseCodes.PrivacyRequired, "LOGIN is disabled until STARTTLS"));
        return s.LoginAsync(command.UserName, command.Password, "LOGIN", ct);
    }
}
