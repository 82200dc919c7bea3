using CloudMail.AdminApi;
using CloudMail.AdminApi.WebConsole;
using CloudMail.Listener.Http;
using CloudMail.SendApi;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

// In the composition root's namespace so CloudMailServerBuilder needs one line and no extra using.
namespace CloudMail.Listener.Hosting;

/// <summary>Registers the embedded host's HTTP endpoint.</summary>
public static class HttpApiServiceCollectionExtensions
{
    /// <summary>
    /// Registers the send API (<see cref="SendApiServiceCollectionExtensions.AddCloudMailSendApi"/>) and the admin API
    /// (<see cref="AdminApiServiceCollectionExtensions.AddCloudMailAdminApi"/>) and the web console
    /// (<see cref="ConsoleServiceCollectionExtensions.AddCloudMailConsole"/>), binds
    /// <see cref="HttpOptions"/> (port from <c>CloudMail:Ports:Http</c>, default 8080, 0 = free port, -1 = off) and
    /// adds the hosted service that runs Kestrel. Needs the embedded storage, the API key store and
    /// <see cref="Tls.TlsCertificateProvider"/> registered.
    /// </summary>
    public static IServiceCollection AddCloudMailHttpApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddCloudMailSendApi(configuration);
        services.AddCloudMailAdminApi(configuration);
        services.AddCloudMailConsole(configuration);
        services.AddOptions<HttpOptions>()
            .Bind(configuration.GetSection(HttpOptions.Section))
            .Configure(o => o.Port = configuration.GetValue(HttpOptions.PortKey, HttpOptions.DefaultPort))
            .Validate(o => o.Port is >= -1 and <= 65535, "CloudMail:Ports:Http must be -1 (off), 0 (any free port) or a port number")
            .Validate(o => o.RequestHeadersTimeout > TimeSpan.Zero && o.MinRequestBodyDataRate > 0, "CloudMail:Http timeouts and rates must be positive")
            .ValidateOnStart();
        services.AddOptions<Core.DnsSetup.MtaStsPublishingOptions>()
            .Bind(configuration.GetSection(Core.DnsSetup.MtaStsPublishingOptions.Section))
            .Validate(o => !o.Problems().Any(), "CloudMail:MtaSts values are out of range (see docs/configuration.md)")
            .ValidateOnStart();
        services.AddSingleton<HttpApiHostedService>();
        services.AddHostedService(sp => sp.GetRequiredService<HttpApiHostedService>());
        return services;
    }
}
