using CloudMail.Core.Directory;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CloudMail.Listener.Hosting;

/// <summary>
/// At the start of <c>serve</c>, a warning when the directory has no local domain: every recipient is then refused and
/// nobody can log in, which a first run without the README's <c>domain add</c> and <c>user add</c> would otherwise only
/// show as refusals. Says what to run; nothing else.
/// </summary>
public sealed partial class NoDomainsHint(IMailDirectory directory, ILogger<NoDomainsHint> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if ((await directory.ListDomainsAsync(cancellationToken).ConfigureAwait(false)).Count == 0) LogNoDomains();
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "No local domain yet: mail to every address is refused and nobody can log in. "
        + "Add one and a user: 'cloudmail domain add example.com', then 'cloudmail user add alice@example.com' (the password on standard input)")]
    private partial void LogNoDomains();
}
