using System.Net;

namespace CloudMail.Core.Delivery;

/// <summary>
/// The SMTP endpoint this process receives mail from other servers on, so that delivery can tell an MX host that is this
/// server (RFC 5321 §5.1: an MTA that finds itself among a domain's MX hosts uses only the ones preferred to it). Registered
/// by a host that listens for mail and delivers it in one process (<c>serve</c>); without it every MX host is another server.
/// </summary>
public interface ISelfSmtpEndpoint
{
    /// <summary>True when mail sent to <paramref name="hostName"/> at <paramref name="address"/>, port <paramref name="port"/>, would reach this server.</summary>
    bool IsSelf(string hostName, IPAddress address, int port);
}
