using System.Net;

namespace CloudMail.Core.Auth;

/// <summary>
/// The addresses of the proxies in front of the server (the listener's <c>CloudMail:ProxyProtocol:TrustedProxies</c>). A
/// connection whose client address is one of them did not say who the client is: it came through the proxy on an
/// endpoint without the PROXY protocol, or its PROXY header named no client (<c>PROXY UNKNOWN</c>, v2 <c>LOCAL</c>). Such an
/// address is shared by every client behind the proxy, so <see cref="Authenticator"/> must not throttle by it.
/// </summary>
public sealed class ProxyClientAddresses(Func<IPAddress, bool> isProxy)
{
    /// <summary>True when <paramref name="remoteAddress"/> (text, as sessions report it) is a proxy's; false for anything unparsable.</summary>
    public bool IsProxy(string remoteAddress) => IPAddress.TryParse(remoteAddress, out IPAddress? address) && isProxy(address);
}
