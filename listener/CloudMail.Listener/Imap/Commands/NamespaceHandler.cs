using CloudMail.Listener.Imap.Mailboxes;
using CloudMail.Listener.Imap.Session;
using CloudMail.Protocols.Imap.Commands;

namespace CloudMail.Listener.Imap.Commands;

/// <summary>NAMESPACE (RFC 2342 §5): one personal namespace with the "/" delimiter, no shared or other users.</summary>
internal static class NamespaceHandler
{
    public static Task<ImapCompletion> HandleAsync(ImapSession s, SimpleCommand command, CancellationToken ct)
    {
        s.W.Raw("* NAMESPACE ((\"\" \"").Raw(MailboxNames.Delimiter.ToString()).Raw("\")) NIL NIL").Crlf();
        return Task.FromResult(ImapCompletion.Ok("NAMESPACE completed"));
    }
}
