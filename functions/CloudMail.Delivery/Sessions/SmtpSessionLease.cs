using System.Net.Sockets;
using MailKit.Net.Smtp;

namespace CloudMail.Delivery.Sessions;

/// <summary>
/// One use of a <see cref="PooledSmtpSession"/> for one transaction (<see cref="SmtpSessionPool.Rent"/>). After a
/// transaction the peer accepted, <see cref="Return"/> puts the connection back for the next message to the same
/// destination; disposing a lease that was not returned closes the connection (every error discards it). Not
/// thread-safe: one transaction at a time.
/// </summary>
public sealed class SmtpSessionLease : IDisposable
{
    private readonly SmtpSessionPool _pool;
    private bool _done;

    internal SmtpSessionLease(SmtpSessionPool pool, PooledSmtpSession session, bool reused)
    {
        _pool = pool;
        Session = session;
        IsReused = reused;
    }

    public PooledSmtpSession Session { get; }

    /// <summary>The client: already connected (and authenticated) when <see cref="IsReused"/>, not yet connected otherwise.</summary>
    public SmtpClient Client => Session.Client;

    /// <summary>True when the connection came from the pool: no connect, TLS or AUTH needed.</summary>
    public bool IsReused { get; }

    /// <summary>Records the socket the new connection runs over, so the pool can see it hang up while idle.</summary>
    public void Connected(Socket socket) => Session.Socket = socket;

    /// <summary>
    /// The transaction completed (the peer answered the end of the data): counts the message and hands the connection
    /// back, or closes it once it has carried <see cref="SmtpSessionPool.MaxMessagesPerSession"/> messages.
    /// </summary>
    public void Return()
    {
        if (_done) return;
        _done = true;
        Session.Messages++;
        _pool.Return(Session);
    }

    /// <summary>Closes the connection unless it was returned.</summary>
    public void Dispose()
    {
        if (_done) return;
        _done = true;
        SmtpSessionPool.Discard(Session);
    }
}
