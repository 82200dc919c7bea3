using CloudMail.Listener.Imap.Session;
using CloudMail.Protocols.Imap.Commands;

namespace CloudMail.Listener.Imap.Commands;

/// <summary>
/// NOOP (RFC 3501 §6.1.2) and CHECK (§6.4.1): nothing to do; the session's update step re-reads the selected
/// mailbox and reports what changed (the state table marks both as refreshing).
/// </summary>
internal static class NoopHandler
{
    public static Task<ImapCompletion> HandleAsync(ImapSession s, SimpleCommand command, CancellationToken ct) =>
        Task.FromResult(ImapCompletion.Ok(command.Name + " completed"));
}
