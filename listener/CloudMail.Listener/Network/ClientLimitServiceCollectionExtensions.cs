using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CloudMail.Listener.Network;

/// <summary>Registers the per-address connection limits, the per-user session limits and the PROXY protocol settings.</summary>
public static class ClientLimitServiceCollectionExtensions
{
    /// <summary>Binds and validates <see cref="ClientLimitOptions"/>; registers <see cref="ClientAddressLimiter"/> and <see cref="UserSessionLimiter"/> as singletons.</summary>
    public static IServiceCollection AddCloudMailClientLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ClientLimitOptions>().Bind(configuration.GetSection(ClientLimitOptions.Section))
            .Validate(o => o.MaxConnectionsPerAddress > 0 && o.MaxConnectionsPerAddressPerMinute > 0,
                "CloudMail:ClientLimits connection limits must be positive")
            .Validate(o => o.Ipv6PrefixLength is >= 1 and <= 128, "CloudMail:ClientLimits:Ipv6PrefixLength must be 1 to 128")
            .Validate(o => AddressRanges.TryParse(o.ExemptAddresses, out _, out _),
                "CloudMail:ClientLimits:ExemptAddresses must list addresses or CIDR ranges")
            .Validate(o => o.MaxTrackedAddresses > 0 && o.MaxConcurrentRefusals > 0 && o.RefusalTimeout > TimeSpan.Zero,
                "CloudMail:ClientLimits:MaxTrackedAddresses, MaxConcurrentRefusals and RefusalTimeout must be positive")
            .Validate(o => o.MaxSessionsPerUserAndAddress > 0 && o.MaxSessionsPerUser > 0,
                "CloudMail:ClientLimits session limits must be positive")
            .ValidateOnStart();
        services.AddOptions<ProxyProtocolOptions>().Bind(configuration.GetSection(ProxyProtocolOptions.Section))
            .Validate(o => !o.Problems().Any(), "invalid " + ProxyProtocolOptions.Section)
            .ValidateOnStart();
        services.AddSingleton<ClientAddressLimiter>();
        services.AddSingleton<UserSessionLimiter>();
        return services;
    }
}
