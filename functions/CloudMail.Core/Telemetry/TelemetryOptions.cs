namespace CloudMail.Core.Telemetry;

/// <summary>
/// Where CloudMail's traces and metrics (<see cref="CloudMailTelemetry"/>) go (section <c>CloudMail:Telemetry</c>). With
/// neither an OTLP endpoint nor (Functions) an Application Insights connection string, nothing is collected or exported.
/// </summary>
public sealed class TelemetryOptions
{
    public const string Section = "CloudMail:Telemetry";

    /// <summary>An OpenTelemetry collector's OTLP/HTTP base address, e.g. <c>http://127.0.0.1:4318</c>; empty = no OTLP export.</summary>
    public string OtlpEndpoint { get; set; } = "";

    /// <summary>The service name resources carry (<c>service.name</c>).</summary>
    public string ServiceName { get; set; } = "cloudmail";

    public IEnumerable<string> Problems()
    {
        if (OtlpEndpoint.Length > 0 && !Uri.TryCreate(OtlpEndpoint, UriKind.Absolute, out _))
            yield return $"{Section}:OtlpEndpoint must be an absolute URL";
        if (string.IsNullOrWhiteSpace(ServiceName)) yield return $"{Section}:ServiceName must not be empty";
    }
}
