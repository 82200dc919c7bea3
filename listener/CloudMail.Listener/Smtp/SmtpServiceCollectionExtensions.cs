using CloudMail.Delivery;
using CloudMail.Listener.Network;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudMail.Listener.Smtp;

/// <summary>Registers the SMTP connection handler (keyed "smtp"), its options and the port-25 blocklist check.</summary>
public static class SmtpServiceCollectionExtensions
{
    /// <summary>Binds and validates <see cref="SmtpOptions"/> (section <c>CloudMail:Smtp</c>) and registers the handler.</summary>
    public static IServiceCollection AddCloudMailSmtp(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SmtpOptions>().Bind(configuration.GetSection(SmtpOptions.Section))
            .Validate(o => o.MaxMessageSize > 0, "CloudMail:Smtp:MaxMessageSize must be positive")
            .Validate(o => o.MaxRecipients > 0, "CloudMail:Smtp:MaxRecipients must be positive")
            .Validate(o => o.MaxReceivedHeaders > 0, "CloudMail:Smtp:MaxReceivedHeaders must be positive")
            .Validate(o => o.CommandTimeout > TimeSpan.Zero, "CloudMail:Smtp:CommandTimeout must be positive")
            .Validate(o => o.DataTimeout > TimeSpan.Zero, "CloudMail:Smtp:DataTimeout must be positive")
            .Validate(o => o.MaxErrors > 0, "CloudMail:Smtp:MaxErrors must be positive")
            .Validate(o => o.MinDataRate > 0, "CloudMail:Smtp:MinDataRate must be positive")
            .Validate(o => o.MaxSessionDuration > TimeSpan.Zero, "CloudMail:Smtp:MaxSessionDuration must be positive")
            .Validate(o => o.MaxJunkCommands > 0, "CloudMail:Smtp:MaxJunkCommands must be positive")
            .Validate(o => o.MaxUnknownRecipients > 0, "CloudMail:Smtp:MaxUnknownRecipients must be positive")
            .Validate(o => o.MaxMessagesPerClientPerHour >= 0 && o.MaxRecipientsPerClientPerHour >= 0 && o.MaxMessagesPerAccountPerHour >= 0
                && o.MaxRecipientsPerAccountPerHour >= 0, "CloudMail:Smtp rate limits must not be negative (0 = no limit)")
            .Validate(o => o.MaxCommandLineLength >= 512, "CloudMail:Smtp:MaxCommandLineLength must be at least 512 (RFC 5321 §4.5.3.1.4)")
            .Validate(o => o.MaxAuthLineLength >= 12_288 && o.MaxAuthLineLength >= o.MaxCommandLineLength,
                "CloudMail:Smtp:MaxAuthLineLength must be at least 12288 (RFC 4954 §4) and at least MaxCommandLineLength")
            .Validate(o => o.TlsHandshakeTimeout > TimeSpan.Zero, "CloudMail:Smtp:TlsHandshakeTimeout must be positive")
            .Validate(o => o.CommitTimeout > TimeSpan.Zero, "CloudMail:Smtp:CommitTimeout must be positive")
            .ValidateOnStart();
        services.AddOptions<Dnsbl.DnsblOptions>().Bind(configuration.GetSection(Dnsbl.DnsblOptions.Section))
            .Validate(o => !o.Problems().Any(), "CloudMail:Dnsbl values are invalid (see docs/configuration.md)")
            .ValidateOnStart();
        services.AddCloudMailDns(); // the shared resolver (CloudMail:Dns:Servers), also used by outbound delivery
        services.AddSingleton(sp => new Dnsbl.DnsblChecker(sp.GetRequiredService<IOptions<Dnsbl.DnsblOptions>>().Value,
            sp.GetRequiredService<DnsClient.ILookupClient>(), sp.GetRequiredService<ILogger<Dnsbl.DnsblChecker>>()));
        services.AddOptions<Greylisting.GreylistOptions>().Bind(configuration.GetSection(Greylisting.GreylistOptions.Section))
            .Validate(o => !o.Problems().Any(), "CloudMail:Greylisting values are out of range (see docs/configuration.md)")
            .ValidateOnStart();
        // A backend's shared store when it has one (Azure: the greylist table), else this process's memory.
        services.AddSingleton(sp => new Greylisting.Greylist(sp.GetRequiredService<IOptions<Greylisting.GreylistOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<Core.Filtering.Greylisting.IGreylistStore>()
                ?? new Core.Filtering.Greylisting.MemoryGreylistStore(sp.GetRequiredService<IOptions<Greylisting.GreylistOptions>>().Value.MaxEntries),
            sp.GetRequiredService<ILogger<Greylisting.Greylist>>()));
        services.AddHostedService<Greylisting.GreylistSweepService>();
        services.AddKeyedSingleton<IConnectionHandler, SmtpConnectionHandler>("smtp");
        return services;
    }
}
