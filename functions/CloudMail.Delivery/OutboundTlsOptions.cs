namespace CloudMail.Delivery;

/// <summary>
/// Section <c>CloudMail:OutboundTls</c>: TLS policy of outbound delivery beyond opportunistic STARTTLS. Bound and
/// validated at start.
/// </summary>
public sealed class OutboundTlsOptions
{
    public const string Section = "CloudMail:OutboundTls";

    /// <summary>Honour recipient domains' MTA-STS policies (RFC 8461): in enforce mode, only matching MX hosts over verified TLS.</summary>
    public bool MtaSts { get; set; } = true;

    /// <summary>
    /// Apply DANE (RFC 7672): TLSA records of MX hosts, trusted only when the resolver in <c>CloudMail:Dns:Servers</c>
    /// validates DNSSEC (AD bit), make authenticated TLS mandatory to those hosts. Takes precedence over MTA-STS.
    /// </summary>
    public bool Dane { get; set; } = true;

    /// <summary>Time allowed for fetching one MTA-STS policy over HTTPS (RFC 8461 §3.3 suggests about a minute at most).</summary>
    public TimeSpan MtaStsFetchTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// A PEM file of certificates trusted as roots in addition to the system's, for every verified outbound TLS
    /// connection (MTA-STS policy hosts and MX hosts, REQUIRETLS, smart hosts). Empty: the system's roots only. For a
    /// private PKI and for tests.
    /// </summary>
    public string ExtraTrustedRootsFile { get; set; } = "";

    /// <summary>Problems with the values, empty when valid.</summary>
    public IEnumerable<string> Problems()
    {
        if (MtaStsFetchTimeout <= TimeSpan.Zero) yield return $"{Section}:MtaStsFetchTimeout must be positive";
        if (ExtraTrustedRootsFile.Length > 0 && !File.Exists(ExtraTrustedRootsFile))
            yield return $"{Section}:ExtraTrustedRootsFile '{ExtraTrustedRootsFile}' does not exist";
    }
}
