using CloudMail.Core.DnsSetup;
using CloudMail.Listener.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudMail.Listener.Hosting;

/// <summary>
/// At start, a warning when <c>CloudMail:HostName</c> (set, or the machine's name) is not a fully qualified domain name
/// (<see cref="MailHostName.IsFullyQualified"/>): the MX records <c>cloudmail dns records</c> prints would point at a name
/// no other server can look up, and delivery introduces itself by its address instead. Says what to set; nothing else.
/// </summary>
public sealed partial class HostNameHint(IOptions<CloudMailOptions> options, ILogger<HostNameHint> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        string name = options.Value.HostName;
        if (!MailHostName.IsFullyQualified(name)) LogNotFullyQualified(name);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "CloudMail:HostName is '{HostName}', not a fully qualified domain name: other mail servers cannot "
        + "find this server by it (MX) and delivery sends its IP address in EHLO instead. Set it to the name the domains' MX records point at, "
        + "e.g. --CloudMail:HostName=mail.example.com (or an /etc/hosts line giving the machine that name)")]
    private partial void LogNotFullyQualified(string hostName);
}
