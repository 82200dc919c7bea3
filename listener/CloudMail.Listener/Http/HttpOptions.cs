using CloudMail.SendApi;
namespace CloudMail.Listener.Http;

/// <summary>
/// Section <c>CloudMail:Http</c>: the embedded host's HTTP endpoint (send API, OpenAPI document, health).
/// The port is <c>CloudMail:Ports:Http</c> like every other endpoint's; the address is <c>CloudMail:ListenAddress</c>;
/// body size limits are <c>CloudMail:SendApi</c>'s, shared with the Functions app.
/// </summary>
public sealed class HttpOptions
{
    public const string Section = "CloudMail:Http";

    /// <summary>Configuration key of the port: 8080 by default, 0 picks a free port, -1 disables HTTP.</summary>
    public const string PortKey = "CloudMail:Ports:Http";

    public const int DefaultPort = 8080;

    /// <summary>Bound from <see cref="PortKey"/>.</summary>
    public int Port { get; set; } = DefaultPort;

    /// <summary>
    /// Serve HTTPS with the server's TLS certificate (CloudMail:TlsCertificatePath or the development certificate).
    /// Off by default: put the endpoint behind a TLS-terminating proxy, or turn this on, before keys cross a network.
    /// </summary>
    public bool Tls { get; set; }

    /// <summary>How long a client may take to send the request headers.</summary>
    public TimeSpan RequestHeadersTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Slowest acceptable upload rate before a request body times out (bytes per second, after a 5 s grace).</summary>
    public double MinRequestBodyDataRate { get; set; } = 240;
}
