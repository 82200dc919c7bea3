namespace CloudMail.Core.Delivery;

/// <summary>
/// The route of a host that only accepts mail and hands every message to a pipeline running elsewhere: the Azure
/// listener, whose Functions app runs <see cref="OutboundStage"/> with the SMTP transport. Remote recipients are
/// accepted, because that pipeline delivers or bounces each of them.
/// </summary>
public sealed class PipelineDeliveryRoute : IRemoteDeliveryRoute
{
    public static readonly PipelineDeliveryRoute Instance = new();

    public bool CanDeliverRemotely => true;
}
