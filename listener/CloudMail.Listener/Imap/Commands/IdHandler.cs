using CloudMail.Listener.Imap.Session;
using CloudMail.Protocols.Imap.Commands;

namespace CloudMail.Listener.Imap.Commands;

/// <summary>ID (RFC 2971 §3.1): the client's parameters are accepted and ignored; the server names itself.</summary>
internal static class IdHandler
{
    public static Task<ImapCompletion> HandleAsync(ImapSession s, IdCommand command, CancellationToken ct)
    {
        s.W.Raw("* ID (\"name\" \"CloudMail\" \"vendor\" \"CloudMail\")").Crlf();
        return Task.FromResult(ImapCompletion.Ok("ID completed"));
    }
}
