using CloudMail.Core.Filtering.Training;
using CloudMail.Core.Mailboxes;
using CloudMail.Listener.Network;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CloudMail.Listener.Imap;

/// <summary>Registers the IMAP connection handler (keyed "imap"), its options, the mailbox listing cache (shared with POP3), and the spam training recorder and learner service.</summary>
public static class ImapServiceCollectionExtensions
{
    public static IServiceCollection AddCloudMailImap(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ImapOptions>().Bind(configuration.GetSection(ImapOptions.Section))
            .Validate(o => o.IdleTimeout > TimeSpan.Zero && o.UnauthenticatedTimeout > TimeSpan.Zero, "CloudMail:Imap timeouts must be positive")
            .Validate(o => o.MaxCommandLength >= 8192, "CloudMail:Imap:MaxCommandLength must be at least 8192 (RFC 7162 §4)")
            .Validate(o => o.MaxLiteralSize > 0, "CloudMail:Imap:MaxLiteralSize must be positive")
            .Validate(o => o.MinDataRate > 0, "CloudMail:Imap:MinDataRate must be positive")
            .Validate(o => o.MaxErrors > 0, "CloudMail:Imap:MaxErrors must be positive")
            .Validate(o => o.PollInterval > TimeSpan.Zero, "CloudMail:Imap:PollInterval must be positive")
            .Validate(o => o.IdleKeepaliveInterval >= TimeSpan.Zero, "CloudMail:Imap:IdleKeepaliveInterval must not be negative")
            .Validate(o => o.ReplicaPollInterval >= TimeSpan.FromMilliseconds(100), "CloudMail:Imap:ReplicaPollInterval must be at least 100 ms")
            .Validate(o => o.StructureCacheSize > 0, "CloudMail:Imap:StructureCacheSize must be positive")
            .Validate(o => o.OrderCacheSize > 0, "CloudMail:Imap:OrderCacheSize must be positive")
            .Validate(o => o.ListingCacheSize > 0, "CloudMail:Imap:ListingCacheSize must be positive")
            .Validate(o => o.MaxMailboxNameLength is > 0 and <= DefaultMailboxes.MaxNameLength,
                $"CloudMail:Imap:MaxMailboxNameLength must be between 1 and {DefaultMailboxes.MaxNameLength}")
            .Validate(o => o.MaxMailboxes >= DefaultMailboxes.ForNewAccount.Count, "CloudMail:Imap:MaxMailboxes must leave room for the default mailboxes")
            .Validate(o => o.MaxListPatternLength > 0, "CloudMail:Imap:MaxListPatternLength must be positive")
            .ValidateOnStart();
        services.AddSingleton<ImapServices>();
        // Mailbox listings shared by IMAP SELECT/STATUS and the POP3 maildrop.
        services.AddSingleton(sp => new ViewListingCache(sp.GetRequiredService<IMailboxIndex>(),
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<ImapOptions>>().Value.ListingCacheSize));
        // Filing mail into and out of Junk trains the spam scorer: recorded in the session, taught to rspamd in the background.
        services.AddSingleton<SpamTrainingRecorder>();
        services.AddSingleton<SpamLearningService>();
        services.AddHostedService(sp => sp.GetRequiredService<SpamLearningService>());
        services.AddKeyedSingleton<IConnectionHandler, ImapConnectionHandler>("imap");
        return services;
    }
}
