using CloudMail.Protocols.Pop3;
using CloudMail.Protocols.Pop3.Commands;

namespace CloudMail.Listener.Pop3.Commands;

/// <summary>
/// USER and PASS (RFC 1939 §7). Both are refused before TLS unless AllowInsecureAuth (RFC 2595 §2.1, RFC 8314 §3),
/// so that a password is never sent in the clear; PASS must follow USER directly.
/// </summary>
internal static class UserPassHandler
{
    public static Task<bool> HandleUserAsync(Pop3Session s, UserCommand command, CancellationToken cancellationToken)
    {
        if (!s.LoginAllowed)
        {
            s.Error(Pop3Replies.TlsRequired);
            return Task.FromResult(false);
        }
        s.RememberUser(command.Name);
        s.Reply(Pop3Replies.UserAccepted);
        return Task.FromResult(true);
    }

    public static Task<bool> HandlePassAsync(Pop3Session s, PassCommand command, CancellationToken cancellationToken)
    {
        if (!s.LoginAllowed)
        {
            s.Error(Pop3Replies.TlsRequired);
            return Task.FromResult(false);
        }
        if (s.UserJustGiven is not { } user)
        {
            s.Error(Pop3Replies.UserFirst);
            return Task.FromResult(false);
        }
        return s.LoginAsync(user, command.Password, cancellationToken);
    }
}
