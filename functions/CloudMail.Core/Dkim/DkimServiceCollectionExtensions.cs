using CloudMail.Core.Delivery;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CloudMail.Core.Dkim;

/// <summary>Registers DKIM signing of outbound mail.</summary>
public static class DkimServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="DkimOutboundSigner"/> as the singleton <see cref="IOutboundMessageSigner"/>. Needs an
    /// <see cref="IDkimKeyStore"/> (registered by the storage extensions); uses a registered <see cref="TimeProvider"/>,
    /// or the system clock, and a registered <see cref="IRemoteDigestSignerFactory"/> (Azure mode with a Key Vault) for keys held elsewhere.
    /// </summary>
    public static IServiceCollection AddCloudMailDkimSigning(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IOutboundMessageSigner>(sp => new DkimOutboundSigner(sp.GetRequiredService<IDkimKeyStore>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetService<IRemoteDigestSignerFactory>()));
        return services;
    }
}
