using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CloudMail.Core.Quotas;

/// <summary>Registers the quota decision shared by both hosts and the admin commands.</summary>
public static class QuotaServiceCollectionExtensions
{
    /// <summary>
    /// Adds, once, <see cref="QuotaOptions"/> (section <see cref="QuotaOptions.Section"/>, validated at start) and
    /// <see cref="MailboxQuotas"/>. Needs an <see cref="Directory.IMailDirectory"/> and an <see cref="Mailboxes.IMailboxIndex"/>.
    /// </summary>
    public static IServiceCollection AddCloudMailQuotas(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (services.Any(d => d.ServiceType == typeof(MailboxQuotas))) return services;
        services.AddOptions<QuotaOptions>().Bind(configuration.GetSection(QuotaOptions.Section))
            .Validate(o => !o.Problems().Any(), "CloudMail:Quota has invalid values (see QuotaOptions)")
            .ValidateOnStart();
        services.TryAddSingleton<MailboxQuotas>();
        return services;
    }
}
