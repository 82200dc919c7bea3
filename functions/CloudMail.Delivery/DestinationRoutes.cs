using CloudMail.Core.Delivery;

namespace CloudMail.Delivery;

/// <summary>
/// Which route <see cref="DeliveryOptions"/> gives a recipient domain: its own entry in
/// <see cref="DeliveryOptions.Domains"/> (exact name first, then the closest <c>*.parent</c> entry), else the global
/// smart host when one is configured, else direct MX delivery. Pure.
/// </summary>
public static class DestinationRoutes
{
    /// <summary>The smart host for <paramref name="domain"/>, or null when it goes to its MX hosts.</summary>
    public static SmartHostOptions? SmartHostFor(string domain, DeliveryOptions options)
    {
        if (Entry(domain, options) is { } route)
            return route.Mode == DeliveryMode.SmartHost && route.SmartHost.IsConfigured ? route.SmartHost : null;
        return options.SmartHost.IsConfigured ? options.SmartHost : null;
    }

    private static DomainRouteOptions? Entry(string domain, DeliveryOptions options)
    {
        if (options.Domains.TryGetValue(domain, out var exact)) return exact;
        for (int dot = domain.IndexOf('.'); dot >= 0; dot = domain.IndexOf('.', dot + 1))
            if (options.Domains.TryGetValue("*" + domain[dot..], out var wildcard)) return wildcard;
        return null;
    }
}
