using CloudMail.Core.Auth;
using CloudMail.Core.Directory;
using CloudMail.Core.Filtering.SenderLists;
using CloudMail.Core.Intake;
using CloudMail.Core.Pipeline;
using CloudMail.Listener.Configuration;
using CloudMail.Listener.Network;
using CloudMail.Protocols.Smtp;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudMail.Listener.Smtp;

/// <summary>Serves SMTP on ports 25, 587 (STARTTLS) and 465 (implicit TLS): one <see cref="SmtpSession"/> per connection.</summary>
public sealed class SmtpConnectionHandler(
    Authenticator authenticator,
    RecipientResolver resolver,
    RecipientAdmission admission,
    IMailDirectory directory,
    MessageIntake intake,
    IOptions<SmtpOptions> options,
    IOptions<CloudMailOptions> server,
    TimeProvider time,
    ILogger<SmtpConnectionHandler> logger,
    Dnsbl.DnsblChecker? dnsbl = null,
    Greylisting.Greylist? greylist = null,
    SenderListPolicy? senderLists = null,
    Core.Quotas.MailboxQuotas? quotas = null,
    Core.Blobs.IStorageSpace? space = null) : IConnectionHandler
{
    private readonly SmtpSessionServices _services =
        new(authenticator, resolver, admission, directory, intake, options.Value, new SendingRateLimiter(options.Value, time),
            dnsbl is { Enabled: true } ? dnsbl : null, greylist is { Enabled: true } ? greylist : null, senderLists, server.Value.HostName, time, logger, quotas, space);

    public Task RunAsync(ClientConnection connection, CancellationToken cancellationToken) =>
        SmtpSession.RunAsync(connection, _services, cancellationToken);

    /// <summary>421 (RFC 5321 §3.8): the client retries later, as after any transient failure.</summary>
    public string RefusalLine(ConnectionRefusal reason) => (reason switch
    {
        ConnectionRefusal.TooManyFromAddress => SmtpReplies.TooManyConnectionsFromAddress(_services.HostName),
        ConnectionRefusal.AddressRateExceeded => SmtpReplies.ConnectionRateExceeded(_services.HostName),
        _ => SmtpReplies.TooManyConnections(_services.HostName),
    }).ToString();
}
