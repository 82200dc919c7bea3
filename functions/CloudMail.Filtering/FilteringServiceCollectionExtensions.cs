using CloudMail.Core.Delivery;
using CloudMail.Core.Dkim;
using CloudMail.Core.DmarcReporting;
using CloudMail.Core.Filtering;
using CloudMail.Core.Filtering.SenderLists;
using CloudMail.Core.Quarantine;
using CloudMail.Core.Filtering.Training;
using CloudMail.Core.Blobs;
using CloudMail.Delivery;
using CloudMail.Filtering.Antivirus;
using CloudMail.Filtering.Arc;
using CloudMail.Filtering.Dkim;
using CloudMail.Filtering.Dmarc;
using CloudMail.Filtering.Dns;
using CloudMail.Filtering.Spam;
using CloudMail.Filtering.Spf;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit.Cryptography;

namespace CloudMail.Filtering;

public static class FilteringServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="FilteringOptions"/> (validated at start) and, when <see cref="FilteringOptions.Enabled"/>, registers
    /// the <see cref="AuthenticationFilter"/> as Core's <see cref="IInboundFilter"/> on the shared DNS resolver
    /// (<see cref="DnsServiceCollectionExtensions.AddCloudMailDns"/> of CloudMail.Delivery: <c>CloudMail:Dns</c>). The filter
    /// is resolved lazily, so the Enabled switch is read from the bound options when the intake is first built. Also the
    /// <see cref="IDmarcReportDns"/> DMARC aggregate reporting looks records up with (<see cref="DnsDmarcReportDns"/>), and the
    /// <see cref="IForwardSealer"/> of the outbound stage (<see cref="ForwardSealerOf"/>; needs an <see cref="IDkimKeyStore"/>).
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
        services.TryAddSingleton<IDmarcReportDns, DnsDmarcReportDns>();
        services.TryAddSingleton<IForwardSealer>(sp => ForwardSealerOf(sp));
        services.AddOptions<AntivirusOptions>().BindConfiguration(AntivirusOptions.Section)
            .Validate(o => !o.Problems().Any(), "CloudMail:Antivirus values are invalid (see docs/configuration.md)")
            .ValidateOnStart();
        services.TryAddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<AntivirusOptions>>().Value;
            return new VirusScanFilter(new ClamdClient(ClamdEndpoint.TryParse(o.Clamd) ?? new ClamdEndpoint(null, 0, "/")), o,
                sp.GetRequiredService<ILogger<VirusScanFilter>>());
        });
        services.AddOptions<SpamOptions>().BindConfiguration(SpamOptions.Section)
            .Validate(o => !o.Problems().Any(), "CloudMail:Spam values are out of range (see docs/configuration.md)")
            .ValidateOnStart();
        services.TryAddSingleton(sp => new RspamdClient(sp.GetRequiredService<IOptions<SpamOptions>>().Value.Rspamd));
        services.TryAddSingleton(sp => new BlocklistRules(sp.GetRequiredService<IOptions<SpamOptions>>().Value, sp.GetRequiredService<IAuthenticationDns>(),
            sp.GetRequiredService<PublicSuffixList>()));
        services.TryAddSingleton(sp => new SpamScoringFilter(sp.GetRequiredService<IOptions<SpamOptions>>().Value, sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<SpamScoringFilter>>(), sp.GetService<SenderListPolicy>(), RspamdFor(sp, scoring: true),
            sp.GetRequiredService<BlocklistRules>()));
        services.TryAddSingleton(sp => new SpamTrainingLearner(sp.GetRequiredService<ISpamTrainingStore>(), sp.GetRequiredService<IMessageBlobStore>(),
            RspamdFor(sp, scoring: false), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<SpamTrainingLearner>>()));
        services.TryAddSingleton<IInboundFilter>(sp => InboundFilterOf(sp));
        // The inbound stage's scan of mail accepted unscanned (the send API's): only when a scanner is configured.
        services.TryAddSingleton<IMessageScanner>(sp => sp.GetRequiredService<IOptions<AntivirusOptions>>().Value.Clamd.Length > 0
                ? sp.GetRequiredService<VirusScanFilter>()
                : NoMessageScanner.Instance);
        // Submissions get the virus scan only (no authentication or spam checks of our own users' mail).
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<AntivirusOptions>>().Value.Clamd.Length > 0
            ? new SubmissionFilter(sp.GetRequiredService<VirusScanFilter>())
            : SubmissionFilter.None);
        return services;
    }

    /// <summary>The shared rspamd client when its scoring URL (<paramref name="scoring"/>) or its controller URL is set, else null.</summary>
    private static RspamdClient? RspamdFor(IServiceProvider sp, bool scoring)
    {
        var client = sp.GetRequiredService<RspamdClient>();
        return (scoring ? client.Options.Url : client.Options.ControllerUrl).Length > 0 ? client : null;
    }

    /// <summary>
    /// The ARC sealer of alias forwards while the checks run and <see cref="FilteringOptions.SealForwards"/>: it copies their
    /// verdicts (the Authentication-Results field they write), so without them there is nothing to seal.
    /// </summary>
    private static IForwardSealer ForwardSealerOf(IServiceProvider sp)
    {
        var o = sp.GetRequiredService<IOptions<FilteringOptions>>().Value;
        return o.Enabled && o.SealForwards
            ? new ArcForwardSealer(sp.GetRequiredService<IDkimKeyStore>(), sp.GetRequiredService<TimeProvider>(), o.EffectiveAuthServId(),
                sp.GetService<IRemoteDigestSignerFactory>())
            : NoForwardSealer.Instance;
    }

    /// <summary>
    /// The filters in force, virus scan first (a virus is refused before any DNS lookup), then authentication, then spam
    /// scoring: none, one, or a chain. Logs a
    /// warning when no virus scanner is configured.
    /// </summary>
    private static IInboundFilter InboundFilterOf(IServiceProvider sp)
    {
        var filters = new List<IInboundFilter>();
        if (sp.GetRequiredService<IOptions<AntivirusOptions>>().Value.Clamd.Length > 0) filters.Add(sp.GetRequiredService<VirusScanFilter>());
        else sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(VirusScanFilter)).LogWarning(
            "No virus scanner configured (CloudMail:Antivirus:Clamd is empty): mail is accepted unscanned");
        if (sp.GetRequiredService<IOptions<FilteringOptions>>().Value.Enabled) filters.Add(sp.GetRequiredService<AuthenticationFilter>());
        if (sp.GetRequiredService<IOptions<SpamOptions>>().Value.Enabled) filters.Add(sp.GetRequiredService<SpamScoringFilter>());
        return filters.Count switch
        {
            0 => NoInboundFilter.Instance,
            1 => filters[0],
            _ => new InboundFilterChain(filters),
        };
    }
}
