using CloudMail.Core.Delivery;
using Microsoft.Extensions.DependencyInjection;

namespace CloudMail.Listener.Tests.Infrastructure;

/// <summary>
/// A remote delivery route that says yes, standing in for the outbound stage that does not exist yet: it shows that the one
/// <see cref="IRemoteDeliveryRoute"/> registration turns remote recipients on everywhere. Nothing consumes the outbound
/// queue in these servers, so tests find the outbound job there.
/// </summary>
internal sealed class OpenRemoteRoute : IRemoteDeliveryRoute
{
    public bool CanDeliverRemotely => true;

    /// <summary>Registers the route (for <see cref="TestServer.StartAsync"/>'s <c>services</c>).</summary>
    public static void Register(IServiceCollection services) => services.AddSingleton<IRemoteDeliveryRoute>(new OpenRemoteRoute());
}
