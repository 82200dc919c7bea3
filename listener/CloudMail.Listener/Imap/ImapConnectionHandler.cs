using CloudMail.Listener.Imap.Session;
using CloudMail.Listener.Network;
using CloudMail.Protocols.Imap;

namespace CloudMail.Listener.Imap;

/// <summary>Serves IMAP on ports 143 (STARTTLS) and 993 (implicit TLS): one <see cref="ImapSession"/> per connection.</summary>
internal sealed class ImapConnectionHandler(ImapServices services) : IConnectionHandler
{
    public Task RunAsync(ClientConnection connection, CancellationToken cancellationToken) =>
        new ImapSession(services, connection).RunAsync(cancellationToken);

    /// <summary>
    /// BYE as the greeting (RFC 3501 §7.1.5: the server will not accept a connection from this client) with
    /// UNAVAILABLE (RFC 5530 §3: a temporary condition; try again later).
    /// </summary>
    public string RefusalLine(ConnectionRefusal reason) =>
        $"* BYE [{ImapResponseCodes.Unavailable}] {services.HostName} " + reason switch
        {
            ConnectionRefusal.TooManyFromAddress => "Too many connections from your address",
            ConnectionRefusal.AddressRateExceeded => "Too many connections from your address this minute",
            _ => "Too many connections; try again later",
        };
}
