using CloudMail.Core.Delivery;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CloudMail.Delivery;

public static class DeliveryServiceCollectionExtensions
{
    /// <summary>
    /// Outbound SMTP delivery: <see cref="DnsOptions"/> and the shared resolver (<see cref="DnsServiceCollectionExtensions.AddCloudMailDns"/>),
    /// <see cref="DeliveryOptions"/> bound from <c>CloudMail:Delivery</c> and validated at start (an empty HeloName
    /// becomes <c>CloudMail:HostName</c>, else the machine's name), <see cref="MxResolver"/>, and
    /// <see cref="SmtpOutboundTransport"/> as the <see cref="IOutboundTransport"/>.
    /// </summary>
    public static IServiceCollection AddCloudMailDelivery(this IServiceCollection services)
    {
        services.AddCloudMailDns();
        ProblemsValidator<DeliveryOptions>.Register(services, DeliveryOptions.Section, o => o.Problems())
            .PostConfigure<IConfiguration>((o, configuration) =>
            {
                if (string.IsNullOrWhiteSpace(o.HeloName))
                    o.HeloName = configuration["CloudMail:HostName"] is { Length: > 0 } name ? name : System.Net.Dns.GetHostName();
            });
        services.TryAddSingleton<MxResolver>();
        services.TryAddSingleton<IOutboundTransport, SmtpOutboundTransport>();
        return services;
    }
}
