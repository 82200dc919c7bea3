namespace CloudMail.Core.Delivery;

/// <summary>
/// The route of a deployment that runs <see cref="OutboundStage"/>: remote domains are accepted exactly when an
/// <see cref="IOutboundTransport"/> is registered (the stage then delivers or bounces every remote recipient). Without
/// one, remote recipients are refused as with <see cref="NoRemoteDeliveryRoute"/>.
/// </summary>
public sealed class OutboundDeliveryRoute(IOutboundTransport? transport = null) : IRemoteDeliveryRoute
{
    public bool CanDeliverRemotely => transport is not null;
}
