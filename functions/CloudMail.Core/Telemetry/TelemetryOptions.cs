namespace CloudMail.Core.Telemetry;

/// <summary>
/// Where CloudMail's traces and metrics (<see cref="CloudMailTelemetry"/>) go (section <c>CloudMail:Telemetry</c>). With
/// neither an OTLP endpoint, a Prometheus endpoint (listener hosts) nor an Application Insights connection string, nothing is
/// collected or exported.
/// </summary>
public sealed class TelemetryOptions
{
    public const string Section = "CloudMail:Telemetry";

    /// <summary>An OpenTelemetry collector's OTLP/HTTP base address, e.g. <c>http://127.0.0.1:4318</c>; empty = no OTLP export.</summary>
    public string OtlpEndpoint { get; set; } = "";

    /// <summary>
    /// Where the listener hosts serve their metrics for Prometheus to scrape, as <c>host:port</c>, e.g. <c>127.0.0.1:9464</c>
    /// (the page is <c>http://host:port/metrics</c>, text exposition format); empty = not served.
    /// Keep it on loopback or a private address: the page has no authentication. Not used by the Functions app.
    /// </summary>
    public string PrometheusEndpoint { get; set; } = "";

    /// <summary>The service name resources carry (<c>service.name</c>).</summary>
    public string ServiceName { get; set; } = "cloudmail";

    public IEnumerable<string> Problems()
    {
        if (OtlpEndpoint.Length > 0 && !Uri.TryCreate(OtlpEndpoint, UriKind.Absolute, out _))
            yield return $"{Section}:OtlpEndpoint must be an absolute URL";
        if (PrometheusEndpoint.Length > 0 && PrometheusHostAndPort() is null)
            yield return $"{Section}:PrometheusEndpoint must be host:port";
        if (string.IsNullOrWhiteSpace(ServiceName)) yield return $"{Section}:ServiceName must not be empty";
    }

    /// <summary>The host and port of <see cref="PrometheusEndpoint"/>, or null when it is not <c>host:port</c> (IPv6 in brackets).</summary>
    public (string Host, int Port)? PrometheusHostAndPort()
    {
        int colon = PrometheusEndpoint.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(PrometheusEndpoint.AsSpan(colon + 1), System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535) return null;
        string host = PrometheusEndpoint[..colon];
        return Uri.CheckHostName(host.Trim('[', ']')) == UriHostNameType.Unknown ? null : (host, port);
    }
}
