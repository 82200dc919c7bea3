namespace CloudMail.Storage.Azure.EventGrid;

/// <summary>
/// Section <c>CloudMail:Events:EventGrid</c> (app settings <c>CloudMail__Events__EventGrid__…</c>): publishing mail events
/// to an Event Grid custom topic in the CloudEvents 1.0 schema. <see cref="Endpoint"/> absent = off. The credential is the
/// app's managed identity (<c>credential=managedidentity</c> and <c>clientId</c> for a user-assigned one, the shapes of
/// <see cref="Connections.AzureCredentials"/>), which needs the role <c>EventGrid Data Sender</c> on the topic.
/// </summary>
public sealed class EventGridOptions
{
    public const string Section = "CloudMail:Events:EventGrid";

    /// <summary>The topic endpoint, e.g. <c>https://mytopic.westeurope-1.eventgrid.azure.net/api/events</c>; absent = no Event Grid.</summary>
    public string? Endpoint { get; set; }

    /// <summary>The CloudEvents <c>source</c> of every event.</summary>
    public string Source { get; set; } = "/cloudmail";

    /// <summary>True when <see cref="Endpoint"/> is set.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(Endpoint);

    /// <summary>Problems with the values, empty when valid (an endpoint must be an absolute https URL).</summary>
    public IEnumerable<string> Problems()
    {
        if (Enabled && (!Uri.TryCreate(Endpoint!.Trim(), UriKind.Absolute, out Uri? uri) || uri.Scheme != Uri.UriSchemeHttps))
            yield return $"{Section}:Endpoint must be an absolute https URL (the topic endpoint)";
        if (string.IsNullOrWhiteSpace(Source)) yield return $"{Section}:Source must not be empty";
    }
}
