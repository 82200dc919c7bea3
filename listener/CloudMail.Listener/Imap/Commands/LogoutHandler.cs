using CloudMail.Listener.Imap.Session;
using CloudMail.Protocols.Imap;
using CloudMail.Protocols.Imap.Commands;

namespace CloudMail.Listener.Imap.Commands;

/// <summary>LOGOUT (RFC 3501 §6.1.3): untagged BYE, tagged OK, close.</summary>
internal static class LogoutHandler
{
    public static Task<ImapCompletion> HandleAsync(ImapSession s, SimpleCommand command, CancellationToken ct)
    {
        s.LogOut();
        s.W.Untagged(ImapStatus.Bye, null, "CloudMail logging out");
        s.W.Tagged(command.Tag, ImapStatus.Ok, null, "LOGOUT completed");
        s.Closing = true;
        return Task.FromResult(ImapCompletion.AlreadySent);
    }
}
