using CloudMail.Listener.Imap.Session;
using CloudMail.Protocols.Imap;
using CloudMail.Protocols.Imap.Commands;

namespace CloudMail.Listener.Imap.Commands;

/// <summary>
/// STARTTLS (RFC 3501 §6.2.1, RFC 2595 §3.1). Anything the client pipelined after the command in plaintext is
/// discarded by the TLS upgrade, never executed (STARTTLS command injection, CVE-2011-0411). A failed handshake
/// is the client's doing: the session closes quietly (debug log), as SMTP and POP3 do.
/// </summary>
internal static class StartTlsHandler
{
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(30);

    public static async Task<ImapCompletion> HandleAsync(ImapSession s, SimpleCommand command, CancellationToken ct)
    {
        if (s.Connection.IsSecure) return ImapCompletion.Bad("TLS is already active");
        s.W.Tagged(command.Tag, ImapStatus.Ok, null, "Begin TLS negotiation now");
        await s.Out.FlushAsync(ct).ConfigureAwait(false);
        if (await s.Connection.TryUpgradeToTlsAsync(HandshakeTimeout, ct).ConfigureAwait(false) is { } failure)
        {
            ImapLog.TlsFailed(s.Services.Logger, s.Connection.RemoteAddress, failure);
            s.Closing = true; // the channel is neither plaintext nor TLS: nothing more can be said
            return ImapCompletion.AlreadySent;
        }
        s.ResetReader();
        return ImapCompletion.AlreadySent;
    }
}
