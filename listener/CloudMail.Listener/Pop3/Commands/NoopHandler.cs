using CloudMail.Protocols.Pop3;
using CloudMail.Protocols.Pop3.Commands;

namespace CloudMail.Listener.Pop3.Commands;

/// <summary>NOOP (RFC 1939 §5).</summary>
internal static class NoopHandler
{
    public static Task<bool> HandleAsync(Pop3Session s, NoopCommand command, CancellationToken cancellationToken)
    {
        s.Reply(Pop3Replies.Noop);
        return Task.FromResult(true);
    }
}
