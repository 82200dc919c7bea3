using CloudMail.Core.Auth;
using CloudMail.Core.Mailboxes;
using CloudMail.Core.Blobs;
using CloudMail.Listener.Configuration;
using CloudMail.Listener.Network;
using CloudMail.Protocols.Pop3;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudMail.Listener.Pop3;

/// <summary>What every POP3 session shares; one instance per server.</summary>
internal sealed record Pop3SessionServices(
    Authenticator Authenticator,
    IMailboxIndex Mailboxes,
    IMessageBlobStore Blobs,
    MailboxChangeNotifier Notifier,
    IMaildropLocks Locks,
    Pop3MessageSizes Sizes,
    ViewListingCache Listings,
    UserSessionLimiter Sessions,
    Pop3Options Options,
    string HostName,
    ILogger Logger);

/// <summary>Serves POP3 on ports 110 (STLS) and 995 (implicit TLS): one <see cref="Pop3Session"/> per connection.</summary>
public sealed class Pop3ConnectionHandler(
    Authenticator authenticator,
    IMailboxIndex mailboxes,
    IMessageBlobStore blobs,
    MailboxChangeNotifier notifier,
    IMaildropLocks locks,
    Pop3MessageSizes sizes,
    ViewListingCache listings,
    UserSessionLimiter sessions,
    IOptions<Pop3Options> options,
    IOptions<CloudMailOptions> server,
    ILogger<Pop3ConnectionHandler> logger) : IConnectionHandler
{
    private readonly Pop3SessionServices _services =
        new(authenticator, mailboxes, blobs, notifier, locks, sizes, listings, sessions, options.Value, server.Value.HostName, logger);

    public Task RunAsync(ClientConnection connection, CancellationToken cancellationToken) =>
        new Pop3Session(connection, _services).RunAsync(cancellationToken);

    /// <summary>-ERR [SYS/TEMP] instead of the +OK greeting (RFC 3206 §4: temporary; the client should not ask for a password).</summary>
    public string RefusalLine(ConnectionRefusal reason) => reason switch
    {
        ConnectionRefusal.TooManyFromAddress => Pop3Replies.TooManyConnectionsFromAddress,
        ConnectionRefusal.AddressRateExceeded => Pop3Replies.ConnectionRateExceeded,
        _ => Pop3Replies.TooManyConnections,
    };
}
