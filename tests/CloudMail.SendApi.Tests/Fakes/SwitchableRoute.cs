using CloudMail.Core.Delivery;

namespace CloudMail.SendApi.Tests.Fakes;

/// <summary>A remote delivery route a test can open (none by default, like every deployment today).</summary>
internal sealed class SwitchableRoute : IRemoteDeliveryRoute
{
    public bool CanDeliverRemotely { get; set; }
}
