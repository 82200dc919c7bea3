using Microsoft.Azure.Functions.Worker.Extensions.Abstractions;

namespace CloudMail.Functions.ServiceBusStandIn;

/// <summary>
/// Stand-in for <c>Microsoft.Azure.Functions.Worker.ServiceBusTriggerAttribute</c> (package
/// Microsoft.Azure.Functions.Worker.Extensions.ServiceBus, not served on this machine's mirror). Same class name,
/// constructor parameter and property names, so the Worker SDK emits the same binding metadata:
/// <c>{"type": "serviceBusTrigger", "direction": "In", "queueName": …, "connection": …, "cardinality": "One", …}</c>.
/// Compiled only when <c>UseOfficialServiceBusExtension</c> is not <c>true</c>; deployment builds use the official
/// attribute (see the project file).
/// </summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class ServiceBusTriggerAttribute(string queueName) : TriggerBindingAttribute
{
    /// <summary>The queue the function is triggered by.</summary>
    public string QueueName { get; } = queueName;

    /// <summary>
    /// Name of the connection: an app setting holding a connection string, or the prefix of identity-based settings
    /// (<c>{Connection}__fullyQualifiedNamespace</c>, <c>__credential</c>, <c>__clientId</c>).
    /// </summary>
    public string? Connection { get; set; }

    /// <summary>One message per invocation when false (becomes <c>"cardinality": "One"</c>).</summary>
    public bool IsBatched { get; set; }

    /// <summary>When false the function settles every message itself through <see cref="ServiceBusMessageActions"/>.</summary>
    public bool AutoCompleteMessages { get; set; } = true;

    public bool IsSessionsEnabled { get; set; }
}
