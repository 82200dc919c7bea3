namespace CloudMail.Listener.Network;

/// <summary>A protocol (SMTP, IMAP, POP3) served on accepted connections.</summary>
public interface IConnectionHandler
{
    /// <summary>
    /// Runs one session until the client quits, the connection fails or <paramref name="cancellationToken"/>
    /// fires (server shutdown: say goodbye if the protocol has a way). Must not throw for client behaviour;
    /// I/O errors end the session quietly.
    /// </summary>
    Task RunAsync(ClientConnection connection, CancellationToken cancellationToken);
}
