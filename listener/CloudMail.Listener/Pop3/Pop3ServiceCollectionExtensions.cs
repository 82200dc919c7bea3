using CloudMail.Listener.Network;
using CloudMail.Protocols.Pop3;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using CloudMail.Core.Mailboxes;

namespace CloudMail.Listener.Pop3;

/// <summary>Registers the Pop3 connection handler (keyed "pop3") and its options.</summary>
public static class Pop3ServiceCollectionExtensions
{
    /// <summary>Binds and validates <see cref="Pop3Options"/> and registers the handler, maildrop locks and size cache.</summary>
    public static IServiceCollection AddCloudMailPop3(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<Pop3Options>().Bind(configuration.GetSection(Pop3Options.Section))
            .Validate(o => o.IdleTimeout > TimeSpan.Zero, "CloudMail:Pop3:IdleTimeout must be positive")
            .Validate(o => o.MaxErrors > 0, "CloudMail:Pop3:MaxErrors must be positive")
            .Validate(o => o.MaxSaslResponseLength >= Pop3CommandReader.MaxCommandLength,
                "CloudMail:Pop3:MaxSaslResponseLength must be at least 255")
            .Validate(o => o.TlsHandshakeTimeout > TimeSpan.Zero, "CloudMail:Pop3:TlsHandshakeTimeout must be positive")
            .ValidateOnStart();
        // The Azure storage registration (before this) puts in the cross-replica blob lease; otherwise one process.
        services.TryAddSingleton<IMaildropLocks, InProcessMaildropLocks>();
        services.AddSingleton<Pop3MessageSizes>();
        services.AddKeyedSingleton<IConnectionHandler, Pop3ConnectionHandler>("pop3");
        return services;
    }
}
