using CloudMail.Core.Auth;
using CloudMail.Core.Directory;
using CloudMail.Core.DnsSetup;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CloudMail.Core.Admin;

/// <summary>Registers the admin services the CLI and the admin API share.</summary>
public static class AdministrationServiceCollectionExtensions
{
    /// <summary>
    /// Registers (unless already registered) <see cref="AccountAdministration"/>, <see cref="DirectoryAdministration"/>,
    /// <see cref="SendApiKeyAdministration"/>, <see cref="DomainDnsSetup"/> with the configured <see cref="MailServerIdentity"/>,
    /// and the <see cref="AuthOptions"/> value the password policy comes from (bound from <c>CloudMail:Auth</c> when the host
    /// registered none). Needs the directory, mailbox index, delivery log, API key and DKIM key stores.
    /// </summary>
    public static IServiceCollection AddCloudMailAdministration(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuthOptions>().Bind(configuration.GetSection(AuthOptions.Section));
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<AuthOptions>>().Value);
        services.TryAddSingleton(MailServerIdentity.From(configuration));
        services.TryAddSingleton<AccountAdministration>();
        services.TryAddSingleton<DirectoryAdministration>();
        services.TryAddSingleton<SendApiKeyAdministration>();
        services.TryAddSingleton<DomainDnsSetup>();
        return services;
    }
}
