using CloudMail.Core.Delivery;
using CloudMail.Core.Events;
using CloudMail.Core.Pipeline;
using CloudMail.Core.TlsReporting;
using CloudMail.Delivery.Dane;
using CloudMail.Delivery.MtaSts;
using CloudMail.Delivery.TlsReporting;
using CloudMail.Delivery.Webhooks;
using DnsClient;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudMail.Delivery;

public static class DeliveryServiceCollectionExtensions
{
    /// <summary>
    /// Outbound SMTP delivery: <see cref="DnsOptions"/> and the shared resolver (<see cref="DnsServiceCollectionExtensions.AddCloudMailDns"/>),
    /// <see cref="DeliveryOptions"/> bound from <c>CloudMail:Delivery</c> and validated at start (DeliveryTimeout shorter than the
    /// pipeline's StuckOutboundAfter; an empty HeloName
    /// becomes <c>CloudMail:HostName</c>, else the machine's name), <see cref="OutboundTlsOptions"/> from
    /// <c>CloudMail:OutboundTls</c>, <see cref="MxResolver"/>, <see cref="TlsTrust"/>, <see cref="MtaStsPolicySource"/>, and
    /// <see cref="SmtpOutboundTransport"/> as the <see cref="IOutboundTransport"/> singleton (consulting MTA-STS unless
    /// <see cref="OutboundTlsOptions.MtaSts"/> is off, DANE TLSA records unless <see cref="OutboundTlsOptions.Dane"/> is off; reporting TLS outcomes to an <see cref="ITlsSessionRecorder"/> when one is
    /// registered), <see cref="DnsTlsRptRecordLookup"/> as the <see cref="ITlsRptRecordLookup"/> of TLS reports, and
    /// <see cref="HttpWebhookPoster"/> as the <see cref="IWebhookPoster"/> of the event stage (options
    /// <see cref="EventOptions"/>, bound by the pipeline). Needs <c>IConfiguration</c> and logging from the host.
    /// </summary>
    public static IServiceCollection AddCloudMailDelivery(this IServiceCollection services)
    {
        services.AddCloudMailDns();
        ProblemsValidator<DeliveryOptions>.Register(services, DeliveryOptions.Section, o => o.Problems())
            .PostConfigure<IConfiguration>((o, configuration) =>
            {
                if (string.IsNullOrWhiteSpace(o.HeloName))
                    o.HeloName = configuration["CloudMail:HostName"] is { Length: > 0 } name ? name : CloudMail.Core.DnsSetup.MailHostName.Machine;
            })
            // A delivery still running when the stuck-outbound sweep looks would be queued a second time and sent twice.
            .Validate<IOptions<PipelineOptions>>(
                (o, pipeline) => o.DeliveryTimeout < pipeline.Value.StuckOutboundAfter,
                $"{DeliveryOptions.Section}:DeliveryTimeout must be shorter than {PipelineOptions.Section}:StuckOutboundAfter");
        ProblemsValidator<OutboundTlsOptions>.Register(services, OutboundTlsOptions.Section, o => o.Problems());
        services.TryAddSingleton<MxResolver>();
        services.TryAddSingleton<TlsTrust>();
        services.TryAddSingleton(sp => new MtaStsPolicySource(
            sp.GetRequiredService<ILookupClient>(), sp.GetRequiredService<TlsTrust>(), sp.GetRequiredService<IOptions<OutboundTlsOptions>>(),
            sp.GetRequiredService<ILogger<MtaStsPolicySource>>(), sp.GetService<TimeProvider>()));
        services.TryAddSingleton<IOutboundTransport>(sp => new SmtpOutboundTransport(
            sp.GetRequiredService<MxResolver>(), sp.GetRequiredService<IOptions<DeliveryOptions>>(), sp.GetRequiredService<ILogger<SmtpOutboundTransport>>(),
            sp.GetRequiredService<TlsTrust>(),
            sp.GetRequiredService<IOptions<OutboundTlsOptions>>().Value.MtaSts ? sp.GetRequiredService<MtaStsPolicySource>() : null)
        {
            TlsReports = sp.GetService<ITlsSessionRecorder>(),
            Self = sp.GetService<ISelfSmtpEndpoint>(),
            Dane = sp.GetRequiredService<IOptions<OutboundTlsOptions>>().Value.Dane ? new DaneTlsaSource(sp.GetRequiredService<ILookupClient>()) : null,
        });
        services.TryAddSingleton<ITlsRptRecordLookup, DnsTlsRptRecordLookup>();
        services.TryAddSingleton<IWebhookPoster>(sp => new HttpWebhookPoster(sp.GetRequiredService<IOptions<EventOptions>>(), sp.GetService<TimeProvider>()));
        return services;
    }
}
