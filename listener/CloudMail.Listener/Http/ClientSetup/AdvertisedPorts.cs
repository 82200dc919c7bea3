using CloudMail.Core.DnsSetup;
using CloudMail.Listener.Configuration;
using CloudMail.Listener.Network;
using Microsoft.Extensions.Options;

namespace CloudMail.Listener.Http.ClientSetup;

/// <summary>
/// The ports client autoconfiguration announces: each endpoint's configured port, or, where that is 0 (any free port),
/// the port it actually bound.
/// </summary>
internal sealed class AdvertisedPorts(IOptions<CloudMailOptions> options, EndpointListenerService listeners)
{
    public MailServicePorts Current()
    {
        PortOptions p = options.Value.Ports;
        return new MailServicePorts(
            Port(p.Submission, EndpointKind.Submission), Port(p.Submissions, EndpointKind.Submissions),
            Port(p.Imap, EndpointKind.Imap), Port(p.Imaps, EndpointKind.Imaps),
            Port(p.Pop3, EndpointKind.Pop3), Port(p.Pop3s, EndpointKind.Pop3s));
    }

    private int Port(int configured, EndpointKind kind) =>
        configured == 0 && listeners.BoundPorts.TryGetValue(kind, out int bound) ? bound : configured;
}
