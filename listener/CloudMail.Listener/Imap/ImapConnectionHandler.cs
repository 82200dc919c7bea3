using CloudMail.Listener.Imap.Session;
using CloudMail.Listener.Network;

namespace CloudMail.Listener.Imap;

/// <summary>Serves IMAP on ports 143 (STARTTLS) and 993 (implicit TLS): one <see cref="ImapSession"/> per connection.</summary>
internal sealed class ImapConnectionHandler(ImapServices services) : IConnectionHandler
{
    public Task RunAsync(ClientConnection connection, CancellationToken cancellationToken) =>
        new ImapSession(services, connection).RunAsync(cancellationToken);
}
