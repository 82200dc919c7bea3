namespace CloudMail.Listener.Network;

/// <summary>
/// Section <c>CloudMail:ProxyProtocol</c>: endpoints behind a TCP proxy or load balancer that sends the PROXY protocol
/// header (v1 or v2) with the client's real address, so that per-address limits, login throttling, logs and the
/// <c>Received</c> header see the client rather than the proxy. Off by default: a header is only believed from
/// <see cref="TrustedProxies"/>, and on an endpoint listed here every connection must start with one.
/// </summary>
public sealed class ProxyProtocolOptions
{
    public const string Section = "CloudMail:ProxyProtocol";

    /// <summary>Endpoints that expect the header (e.g. <c>Smtp</c>, <c>Submission</c>, <c>Imaps</c>); empty: none.</summary>
    public List<EndpointKind> Endpoints { get; set; } = [];

    /// <summary>
    /// Addresses or CIDR ranges of the proxies (comma- or space-separated). A connection to a PROXY endpoint from
    /// anywhere else is closed at once: a client must not choose the address it is judged by. Also without
    /// <see cref="Endpoints"/>: a login from one of these addresses (a proxy that sent no PROXY header, or
    /// <c>PROXY UNKNOWN</c>) is throttled per account only, since the address is shared by every client behind the proxy.
    /// </summary>
    public string TrustedProxies { get; set; } = "";

    /// <summary>Time the proxy has to send the whole header after connecting.</summary>
    public TimeSpan HeaderTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Problems with the values, empty when valid.</summary>
    public IEnumerable<string> Problems()
    {
        if (!AddressRanges.TryParse(TrustedProxies, out _, out string? invalid)) yield return $"{Section}:TrustedProxies: '{invalid}' is not an address or range";
        if (Endpoints.Count > 0 && string.IsNullOrWhiteSpace(TrustedProxies)) yield return $"{Section}:TrustedProxies must name the proxies when Endpoints is set";
        if (HeaderTimeout <= TimeSpan.Zero) yield return $"{Section}:HeaderTimeout must be positive";
    }
}
