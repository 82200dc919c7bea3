namespace CloudMail.Core.Delivery;

/// <summary>
/// Whether this deployment can deliver mail to domains it does not host. Every place that would accept or route mail for
/// a remote address asks this one service: the SMTP RCPT decision and the send API (through
/// <see cref="Directory.RecipientAdmission"/>) and the inbound stage (<see cref="Pipeline.InboundProcessor"/>). While no
/// route exists, remote recipients are refused in-session (<c>550 5.7.1</c>, HTTP 422) rather than accepted and then never
/// delivered or bounced. The outbound stage turns remote delivery on by registering its own implementation (it replaces
/// <see cref="NoRemoteDeliveryRoute"/>, which is registered with TryAdd).
/// </summary>
public interface IRemoteDeliveryRoute
{
    /// <summary>
    /// True when something consumes the outbound queue and will deliver each remote recipient or bounce it (RFC 3464)
    /// to the sender. Read on every decision, so an implementation may change its answer at run time.
    /// </summary>
    bool CanDeliverRemotely { get; }
}

/// <summary>The route of a deployment without outbound delivery (today: every deployment): remote domains are refused.</summary>
public sealed class NoRemoteDeliveryRoute : IRemoteDeliveryRoute
{
    public static readonly NoRemoteDeliveryRoute Instance = new();

    public bool CanDeliverRemotely => false;
}
