using Microsoft.Extensions.Configuration;

namespace CloudMail.Core.DnsSetup;

/// <summary>
/// What the DNS records of a domain served here point at: the server's host name (<c>CloudMail:HostName</c>, else the
/// machine's, <see cref="MailHostName.Machine"/>), its client ports (<c>CloudMail:Ports</c>) and the MTA-STS policy it publishes (<c>CloudMail:MtaSts</c>).
/// Read from configuration the same way by every host, so <c>cloudmail dns</c> and the admin API name the same records.
/// </summary>
public sealed record MailServerIdentity(string HostName, MailServicePorts Ports, MtaStsPolicyFile MtaSts)
{
    /// <summary>The identity configured in <paramref name="configuration"/>; unset values take their defaults.</summary>
    public static MailServerIdentity From(IConfiguration configuration)
    {
        string host = configuration["CloudMail:HostName"] is { Length: > 0 } name ? name : MailHostName.Machine;
        var defaults = new MailServicePorts();
        var ports = configuration.GetSection("CloudMail:Ports");
        int Port(string key, int fallback) => int.TryParse(ports[key], System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int p) ? p : fallback;
        var servicePorts = new MailServicePorts(Port("Submission", defaults.Submission), Port("Submissions", defaults.Submissions), Port("Imap", defaults.Imap),
            Port("Imaps", defaults.Imaps), Port("Pop3", defaults.Pop3), Port("Pop3s", defaults.Pop3s));
        var mtaSts = configuration.GetSection(MtaStsPublishingOptions.Section).Get<MtaStsPublishingOptions>() ?? new MtaStsPublishingOptions();
        return new MailServerIdentity(host, servicePorts, mtaSts.PolicyFor(host));
    }
}
