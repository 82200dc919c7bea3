using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Directory;
using CloudMail.Core.Filtering.Training;
using CloudMail.Core.Mailboxes;
using CloudMail.Core.Quarantine;
using CloudMail.Core.SendApi;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudMail.Core.Retention;

/// <summary>Wires <see cref="RetentionSweeper"/> into a host that owns the stores (the Functions app, embedded <c>serve</c>).</summary>
public static class RetentionServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="RetentionOptions"/> (validated at start: the start fails on a bad value) and registers the
    /// <see cref="RetentionSweeper"/> over the registered <see cref="IDeliveryLog"/>, <see cref="IIdempotencyStore"/>,
    /// <see cref="IMailDirectory"/> and <see cref="IMailboxIndex"/> (and the <see cref="MailboxChangeNotifier"/>,
    /// <see cref="QuarantineAdministration"/> and <see cref="ISpamTrainingStore"/> when registered).
    /// The host runs it on its own schedule.
    /// </summary>
    /// <param name="pruneSpamTraining">
    /// False for a host whose identity may not touch the spam-training table (the Functions app: least privilege, see
    /// infra/modules/roles.bicep); the Azure listener prunes it there (<c>SpamTrainingRetentionService</c>).
    /// </param>
    public static IServiceCollection AddCloudMailRetention(this IServiceCollection services, IConfiguration configuration, bool pruneSpamTraining = true)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<RetentionOptions>().Bind(configuration.GetSection(RetentionOptions.Section))
            .Validate(o => !o.Problems().Any(), $"{RetentionOptions.Section} values are invalid (see docs/configuration.md)")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new MailboxAutoExpunger(sp.GetRequiredService<IMailDirectory>(), sp.GetRequiredService<IMailboxIndex>(),
            sp.GetRequiredService<IOptions<RetentionOptions>>().Value, sp.GetRequiredService<TimeProvider>(), sp.GetService<MailboxChangeNotifier>()));
        services.TryAddSingleton(sp => new RetentionSweeper(sp.GetRequiredService<IDeliveryLog>(), sp.GetRequiredService<IIdempotencyStore>(),
            sp.GetRequiredService<MailboxAutoExpunger>(), sp.GetRequiredService<IOptions<RetentionOptions>>().Value, sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<RetentionSweeper>>(), sp.GetService<QuarantineAdministration>(),
            pruneSpamTraining ? sp.GetService<ISpamTrainingStore>() : null));
        return services;
    }
}
