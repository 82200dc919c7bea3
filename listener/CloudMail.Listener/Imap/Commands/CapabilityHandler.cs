using CloudMail.Listener.Imap.Session;
using CloudMail.Protocols.Imap.Commands;

namespace CloudMail.Listener.Imap.Commands;

/// <summary>CAPABILITY (RFC 3501 §6.1.1).</summary>
internal static class CapabilityHandler
{
    public static Task<ImapCompletion> HandleAsync(ImapSession s, SimpleCommand command, CancellationToken ct)
    {
        s.W.Raw("* CAPABILITY ").Raw(s.Capabilities()).Crlf();
        return Task.FromResult(ImapCompletion.Ok("CAPABILITY completed"));
    }
}
