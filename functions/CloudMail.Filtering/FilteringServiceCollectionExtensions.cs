using CloudMail.Core.Filtering;
using CloudMail.Delivery;
using CloudMail.Filtering.Arc;
using CloudMail.Filtering.Dkim;
using CloudMail.Filtering.Dmarc;
using CloudMail.Filtering.Dns;
using CloudMail.Filtering.Spf;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using MimeKit.Cryptography;

namespace CloudMail.Filtering;

public static class FilteringServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="FilteringOptions"/> (validated at start) and, when <see cref="FilteringOptions.Enabled"/>, registers
    /// the <see cref="AuthenticationFilter"/> as Core's <see cref="IInboundFilter"/> on the shared DNS resolver
    /// (<see cref="DnsServiceCollectionExtensions.AddCloudMailDns"/> of CloudMail.Delivery: <c>CloudMail:Dns</c>). The filter
    /// is resolved lazily, so the Enabled switch is read from the bound options when the intake is first built.
    /// </summary>
    public static IServiceCollection AddCloudMailFiltering(this IServiceCollection services)
    {
        services.AddCloudMailDns();
        services.AddOptions<FilteringOptions>().BindConfiguration(FilteringOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FilteringOptions>, FilteringOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IAuthenticationDns, LookupClientAuthenticationDns>();
        services.TryAddSingleton<IDkimPublicKeyLocator, DnsDkimPublicKeyLocator>();
        services.TryAddSingleton(sp => PublicSuffixList.Load(sp.GetRequiredService<IOptions<FilteringOptions>>().Value.PublicSuffixListPath));
        services.TryAddSingleton(sp => new SpfEvaluator(sp.GetRequiredService<IAuthenticationDns>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<FilteringOptions>>().Value.EffectiveAuthServId()));
        services.TryAddSingleton<DkimMessageVerifier>();
        services.TryAddSingleton(sp => new DmarcEvaluator(sp.GetRequiredService<IAuthenticationDns>(), sp.GetRequiredService<PublicSuffixList>()));
        services.TryAddSingleton<ArcChainVerifier>();
        services.TryAddSingleton<AuthenticationFilter>();
        services.TryAddSingleton<IInboundFilter>(sp => sp.GetRequiredService<IOptions<FilteringOptions>>().Value.Enabled
            ? sp.GetRequiredService<AuthenticationFilter>()
            : NoInboundFilter.Instance);
        return services;
    }
}
