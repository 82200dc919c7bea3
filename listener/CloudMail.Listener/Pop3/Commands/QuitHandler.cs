using CloudMail.Protocols.Pop3;
using CloudMail.Protocols.Pop3.Commands;

namespace CloudMail.Listener.Pop3.Commands;

/// <summary>
/// QUIT: RFC 1939 §4 in AUTHORIZATION (sign off and close); §6 in TRANSACTION (the table moves to UPDATE, where
/// the session applies the deletions and replies).
/// </summary>
internal static class QuitHandler
{
    public static Task<bool> HandleAsync(Pop3Session s, QuitCommand command, CancellationToken cancellationToken)
    {
        if (s.State == Pop3State.Authorization) s.Reply(Pop3Replies.SigningOff);
        return Task.FromResult(true);
    }
}
