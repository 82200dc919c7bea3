using CloudMail.Protocols.Pop3;
using CloudMail.Protocols.Pop3.Commands;

namespace CloudMail.Listener.Pop3.Commands;

/// <summary>DELE (RFC 1939 §5): marks; nothing is removed before UPDATE.</summary>
internal static class DeleHandler
{
    public static Task<bool> HandleAsync(Pop3Session s, DeleCommand command, CancellationToken cancellationToken)
    {
        if (!s.Maildrop.TryGet(command.Message, out _, out string error))
        {
            s.Error(error);
            return Task.FromResult(false);
        }
        s.Maildrop.MarkDeleted(command.Message);
        s.Reply(Pop3Replies.Deleted(command.Message));
        return Task.FromResult(true);
    }
}
