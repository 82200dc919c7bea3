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

    /// <summary>
    /// The one line (without CRLF) the listener sends instead of the greeting when it turns a connection away for
    /// <paramref name="reason"/>: SMTP 421, IMAP <c>* BYE</c>, POP3 <c>-ERR</c>. No session starts; the listener writes
    /// it within <see cref="ClientLimitOptions.RefusalTimeout"/> and closes.
    /// </summary>
    string RefusalLine(ConnectionRefusal reason);
}
