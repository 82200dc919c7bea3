using CloudMail.Listener.Imap.Session;
using CloudMail.Protocols.Imap;
using CloudMail.Protocols.Imap.Commands;

namespace CloudMail.Listener.Imap.Commands;

/// <summary>
/// STARTTLS (RFC 3501 §6.2.1, RFC 2595 §3.1). Anything the client pipelined after the command in plaintext is
/// discarded by the TLS upgrade, never executed (STARTTLS command injection, CVE-2011-0411).
/// </summary>
internal static class StartTlsHandler
{
    public static async Task<ImapCompletion> HandleAsync(ImapSession s, SimpleCommand command, CancellationToken ct)
    {
        if (s.Connection.IsSecure) return ImapCompletion.Bad("TLS is already active");
        s.W.Tagged(command.Tag, ImapStatus.Ok, null, "Begin TLS negotiation now");
        await s.Out.FlushAsync(ct).ConfigureAwait(false);
        using var handshake = CancellationTokenSource.CreateLinkedTokenSource(ct);
        handshake.CancelAfter(TimeSpan.FromSeconds(30));
        await s.Connection.UpgradeToTlsAsync(handshake.Token).ConfigureAwait(false);
        s.ResetReader();
        return ImapCompletion.AlreadySent;
    }
}
