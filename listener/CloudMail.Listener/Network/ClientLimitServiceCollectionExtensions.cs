using Microsoft.Extensions.Configuration;
using CloudMail.Core.Auth;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CloudMail.Listener.Network;

/// <summary>
/// Registers the per-address connection limits, the per-user session limits, the PROXY protocol settings and the
/// <see cref="ProxyClientAddresses"/> (its trusted proxies) that login throttling treats as unknown client addresses.
/// </summary>
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
        // Logins from a proxy's own address (no client named) are throttled per account only (Authenticator).
        services.AddSingleton(sp =>
        {
            AddressRanges.TryParse(sp.GetRequiredService<IOptions<ProxyProtocolOptions>>().Value.TrustedProxies, out AddressRanges proxies, out _);
            return new ProxyClientAddresses(proxies.Contains);
        });
        services.AddSingleton<ClientAddressLimiter>();
        services.AddSingleton<UserSessionLimiter>();
        return services;
    }
}
