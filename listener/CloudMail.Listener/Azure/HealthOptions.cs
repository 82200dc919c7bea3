namespace CloudMail.Listener.Azure;

/// <summary>
/// Section <c>CloudMail:Health</c>: the listener's health endpoint for the container platform (readiness probe,
/// <c>infra/modules/containerapps.bicep</c>: <c>GET /healthz</c> on port 8080). The port is
/// <c>CloudMail:Ports:Health</c> like every other endpoint's; the address is <c>CloudMail:ListenAddress</c>.
/// </summary>
public sealed class HealthOptions
{
    public const string Section = "CloudMail:Health";

    /// <summary>Configuration key of the port: 8080 by default, 0 picks a free port, -1 disables the endpoint.</summary>
    public const string PortKey = "CloudMail:Ports:Health";

    public const int DefaultPort = 8080;

    /// <summary>The probe's path.</summary>
    public const string Path = "/healthz";

    /// <summary>Bound from <see cref="PortKey"/>.</summary>
    public int Port { get; set; } = DefaultPort;

    /// <summary>How long the storage check may take before the answer is 503.</summary>
    public TimeSpan StorageTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long one check's answer is reused, so frequent probes do not each cost storage round trips.</summary>
    public TimeSpan CacheFor { get; set; } = TimeSpan.FromSeconds(5);
}
