using CloudMail.Listener.Network;
using CloudMail.Protocols.Pop3;
using CloudMail.Protocols.Pop3.Commands;

namespace CloudMail.Listener.Pop3.Commands;

/// <summary>
/// STLS (RFC 2595 §4). The handshake discards any plaintext the client pipelined after STLS
/// (<see cref="ClientConnection.UpgradeToTlsAsync"/>), and the client must ask CAPA again. A failed
/// handshake closes the session quietly (debug log): the channel is neither plaintext nor TLS any more.
/// </summary>
internal static class StlsHandler
{
    public static async Task<bool> HandleAsync(Pop3Session s, StlsCommand command, CancellationToken cancellationToken)
    {
        if (s.Connection.IsSecure)
        {
            s.Error(Pop3Replies.TlsActive);
            return false;
        }
        if (!s.StlsOffered)
        {
            s.Error(Pop3Replies.TlsUnavailable);
            return false;
        }
        s.Reply(Pop3Replies.BeginTls);
        if (await s.Connection.TryUpgradeToTlsAsync(s.Options.TlsHandshakeTimeout, cancellationToken).ConfigureAwait(false) is { } failure)
        {
            Pop3Log.TlsFailed(s.Logger, s.Connection.RemoteAddress, failure);
            s.Close();
            return false;
        }
        s.Reader.Reset();
        Pop3Log.TlsStarted(s.Logger, s.Connection.RemoteAddress);
        return true;
    }
}
