using System.Net.Sockets;
using MailKit.Net.Smtp;

namespace CloudMail.Delivery.Sessions;

/// <summary>
/// One SMTP connection of a <see cref="SmtpSessionPool"/>: the client, the socket under it when the transport opened that
/// itself (so a peer that hung up while the session sat idle is seen without a round trip), how many messages it
/// carried and since when it has been idle.
/// </summary>
public sealed class PooledSmtpSession
{
    internal PooledSmtpSession(SmtpSessionKey key, SmtpClient client)
    {
        Key = key;
        Client = client;
    }

    public SmtpSessionKey Key { get; }

    public SmtpClient Client { get; }

    /// <summary>The connected socket, when known; null: only <see cref="SmtpClient.IsConnected"/> tells.</summary>
    public Socket? Socket { get; internal set; }

    /// <summary>Transactions completed over this connection.</summary>
    public int Messages { get; internal set; }

    /// <summary>When it was last put back into the pool.</summary>
    internal DateTimeOffset IdleSince { get; set; }

    /// <summary>
    /// True when the session can carry another transaction: connected, idle for less than <paramref name="idleTimeout"/>,
    /// and nothing to read on its socket. An idle SMTP server says nothing until asked, so readable means it hung up or
    /// sent its timeout reply (RFC 5321 §4.5.3.2.7, <c>421</c>) before closing: either way the session is gone.
    /// </summary>
    internal bool IsUsable(DateTimeOffset now, TimeSpan idleTimeout)
    {
        if (!Client.IsConnected || now - IdleSince >= idleTimeout) return false;
        if (Socket is not { } socket) return true;
        try
        {
            return !socket.Poll(0, SelectMode.SelectRead);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }
}
