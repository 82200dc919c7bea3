using CloudMail.Protocols.Pop3;
using CloudMail.Protocols.Pop3.Commands;

namespace CloudMail.Listener.Pop3.Commands;

/// <summary>CAPA (RFC 2449 §5): the capabilities for the session's current situation.</summary>
internal static class CapaHandler
{
    public static Task<bool> HandleAsync(Pop3Session s, CapaCommand command, CancellationToken cancellationToken)
    {
        s.Connection.Write(Pop3MultiLine.Format(Pop3Replies.CapabilityListFollows, Pop3Capabilities.For(s.LoginAllowed, s.StlsOffered)));
        return Task.FromResult(true);
    }
}
