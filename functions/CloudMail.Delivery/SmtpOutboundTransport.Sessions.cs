using System.Net.Sockets;
using CloudMail.Core.Delivery;
using CloudMail.Delivery.Sessions;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;

namespace CloudMail.Delivery;

// Connection reuse (Sessions/): SessionAsync rents its client from the pool instead of opening one per message, returns
// it after a delivered transaction, and retries once on a fresh connection when a pooled one turns out dead.
public sealed partial class SmtpOutboundTransport : IAsyncDisposable, IDisposable
{
    private SmtpSessionPool? _sessions;

    /// <summary>The open connections kept between messages (<see cref="DeliveryOptions.MaxMessagesPerConnection"/>, <see cref="DeliveryOptions.ConnectionIdleTimeout"/>).</summary>
    public SmtpSessionPool Sessions => LazyInitializer.EnsureInitialized(ref _sessions,
        () => new SmtpSessionPool(options.Value.MaxMessagesPerConnection, options.Value.ConnectionIdleTimeout));

    /// <summary>Closes the idle connections (QUIT, awaited).</summary>
    public ValueTask DisposeAsync() => _sessions?.DisposeAsync() ?? ValueTask.CompletedTask;

    /// <summary>Closes the idle connections (QUIT sent in the background).</summary>
    public void Dispose() => _sessions?.Dispose();

    /// <summary>
    /// A connection to <paramref name="target"/> good enough for <paramref name="envelope"/>: a pooled one with the same
    /// <see cref="SmtpSessionKey"/>, or a new client (not yet connected) with the certificate check the target needs.
    /// </summary>
    private SmtpSessionLease RentSession(OutboundEnvelope envelope, Target target, DeliveryOptions o, bool verify, bool fresh)
    {
        var verification = target.Dane is not null ? SessionVerification.Dane : verify ? SessionVerification.Verified : SessionVerification.None;
        var key = new SmtpSessionKey(target.Name, target.Address, target.Port, SecureOptionsOf(target), verification, target.Relay);
        var lease = Sessions.Rent(key, () => new EnvelopeSmtpClient(envelope)
        {
            Timeout = (int)Math.Min(int.MaxValue, o.CommandTimeout.TotalMilliseconds),
            LocalDomain = o.HeloName,
            ServerCertificateValidationCallback = target.Dane is { } tlsa ? DaneCallback(tlsa) : verify ? trust is null ? null : trust.Verify : (_, _, _, _) => true,
        }, fresh);
        ((EnvelopeSmtpClient)lease.Client).Envelope = envelope;
        return lease;
    }

    /// <summary>
    /// True when a pooled connection failed before the peer accepted MAIL: it died while idle (a hang-up the socket did
    /// not show yet, or a <c>421</c> closing it). Nothing of the message was accepted, so a new connection may carry it.
    /// </summary>
    private static bool DiedWhileIdle(SmtpSessionLease lease, Exception e, CancellationToken ct) =>
        lease.IsReused && !((EnvelopeSmtpClient)lease.Client).SenderAccepted && !ct.IsCancellationRequested
        && e is IOException or SocketException or SmtpProtocolException or ServiceNotConnectedException
            or SmtpCommandException { StatusCode: SmtpStatusCode.ServiceNotAvailable };

    private static SecureSocketOptions SecureOptionsOf(Target target) => target.Relay?.Tls switch
    {
        _ when target.WithoutTls => SecureSocketOptions.None,
        SmartHostTls.StartTls => SecureSocketOptions.StartTls,
        SmartHostTls.Implicit => SecureSocketOptions.SslOnConnect,
        SmartHostTls.None => SecureSocketOptions.None,
        _ when target.VerifiedTls || target.Dane is not null => SecureSocketOptions.StartTls,
        _ => SecureSocketOptions.StartTlsWhenAvailable,
    };
}
