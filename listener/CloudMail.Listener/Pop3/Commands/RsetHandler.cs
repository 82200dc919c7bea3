using CloudMail.Protocols.Pop3;
using CloudMail.Protocols.Pop3.Commands;

namespace CloudMail.Listener.Pop3.Commands;

/// <summary>RSET (RFC 1939 §5): unmarks every message.</summary>
internal static class RsetHandler
{
    public static Task<bool> HandleAsync(Pop3Session s, RsetCommand command, CancellationToken cancellationToken)
    {
        s.Maildrop.Reset();
        s.Reply(Pop3Replies.Reset(s.Maildrop.LiveCount));
        return Task.FromResult(true);
    }
}
