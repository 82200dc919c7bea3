using CloudMail.Core.DnsSetup;
using CloudMail.Delivery.Dns;
using CloudMail.Delivery.DnsSetup;
using DnsClient;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CloudMail.Delivery;

public static class DnsServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="DnsOptions"/> (validated at start) and registers one shared <see cref="ILookupClient"/> on the
    /// configured resolvers (the system's when none), answers cached (<see cref="CachingLookupClient"/>), and the
    /// <see cref="IDnsRecordChecker"/> of <c>cloudmail dns check</c> and the admin API over it. Idempotent.
    /// </summary>
    public static IServiceCollection AddCloudMailDns(this IServiceCollection services)
    {
        ProblemsValidator<DnsOptions>.Register(services, DnsOptions.Section, o => o.Problems());
        services.TryAddSingleton<ILookupClient>(sp => CreateLookupClient(sp.GetRequiredService<IOptions<DnsOptions>>().Value));
        services.TryAddSingleton<IDnsRecordChecker>(sp => new DomainDnsChecker(sp.GetRequiredService<ILookupClient>()));
        return services;
    }

    /// <summary>
    /// A lookup client for <paramref name="options"/>: DNS errors are answers (never exceptions), timeouts throw; positive
    /// answers are kept for their TTL, negative ones as RFC 2308 says, in a bounded cache (<see cref="CachingLookupClient"/>,
    /// on <paramref name="time"/>, the system clock when null; DnsClient's own cache, bounded in time only, is off).
    /// </summary>
    public static ILookupClient CreateLookupClient(DnsOptions options, TimeProvider? time = null)
    {
        var endpoints = options.Endpoints();
        var lookup = endpoints.Count == 0 ? new LookupClientOptions() : new LookupClientOptions(endpoints.Select(e => new NameServer(e)).ToArray());
        lookup.UseCache = false;
        lookup.Timeout = options.Timeout;
        lookup.Retries = options.Retries;
        lookup.ThrowDnsErrors = false;
        lookup.ContinueOnDnsError = false;
        lookup.UseTcpFallback = true;
        return new CachingLookupClient(new LookupClient(lookup), time ?? TimeProvider.System);
    }
}
