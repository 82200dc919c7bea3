using CloudMail.Core.Directory;
using CloudMail.Core.DnsSetup;
using CloudMail.Delivery;
using CloudMail.Delivery.DnsSetup;
using DnsClient;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CloudMail.Listener.Hosting;

/// <summary>
/// <c>cloudmail dns records DOMAIN</c> prints, as zone-file lines, every record a domain served here needs
/// (<see cref="DomainDnsSetup"/>, as the admin API); <c>cloudmail dns check DOMAIN</c> looks them up through <c>CloudMail:Dns:Servers</c>
/// and prints one line per record, <c>ok</c> / <c>missing</c> / <c>wrong</c> / <c>unknown</c>, with the line to publish
/// for the last three. Exit codes: 0 (check: every record ok), 1 failed or some record not ok, 2 usage.
/// </summary>
public sealed class DnsCommands(IServiceProvider services, TextWriter stdout, TextWriter stderr)
{
    public const string Usage = """
          dns records DOMAIN                 the DNS records the domain needs (MX, SPF, DKIM, DMARC, MTA-STS, TLS-RPT, SRV)
          dns check DOMAIN                   look them up and say which are ok, missing or wrong, with the fix
        """;

    public async Task<int> RunAsync(IReadOnlyList<string> words, CancellationToken ct)
    {
        return (words.Count > 1 ? words[1] : "", words.Count) switch
        {
            ("records", 3) => await RecordsAsync(words[2], ct),
            ("check", 3) => await CheckAsync(words[2], ct),
            _ => await FailAsync("usage:\n" + Usage, 2),
        };
    }

    private DomainDnsSetup Setup => services.GetRequiredService<DomainDnsSetup>();

    private async Task<int> RecordsAsync(string domain, CancellationToken ct)
    {
        if (await Setup.RecordsAsync(domain, ct) is not { } records) return await NotLocalAsync(domain);
        await WarnIfNotFullyQualifiedAsync();
        foreach (DnsRecordSpec record in records)
            await stdout.WriteLineAsync($"; {record.Purpose}\n{record.ZoneFileLine()}");
        await stdout.WriteLineAsync($"; and an A/AAAA record for {Setup.HostName}, a PTR record naming it for each of its addresses");
        return 0;
    }

    private async Task<int> CheckAsync(string domain, CancellationToken ct)
    {
        var checker = services.GetService<IDnsRecordChecker>()
            ?? new DomainDnsChecker(services.GetService<ILookupClient>() ?? DnsServiceCollectionExtensions.CreateLookupClient(DnsSettings()));
        if (await Setup.CheckAsync(domain, checker, ct) is not { } statuses) return await NotLocalAsync(domain);
        await WarnIfNotFullyQualifiedAsync();
        bool allOk = true;
        foreach (DnsRecordStatus status in statuses)
        {
            string state = status.State.ToString().ToLowerInvariant();
            string found = status.Found.Count == 0 ? "" : " (found: " + string.Join(" | ", status.Found) + ")";
            await stdout.WriteLineAsync($"{state,-8} {status.Expected.Type.ToString().ToUpperInvariant(),-5} {status.Expected.Name}{found}");
            if (status.State == DnsRecordState.Ok) continue;
            allOk = false;
            await stdout.WriteLineAsync($"         publish: {status.Expected.ZoneFileLine()}");
        }
        return allOk ? 0 : 1;
    }

    /// <summary>On standard error: the records point at <c>CloudMail:HostName</c>, useless when it is not fully qualified.</summary>
    private async Task WarnIfNotFullyQualifiedAsync()
    {
        if (MailHostName.IsFullyQualified(Setup.HostName)) return;
        await stderr.WriteLineAsync($"warning: CloudMail:HostName is '{Setup.HostName}', not a fully qualified domain name: the MX and CNAME records "
            + "point at a name other servers cannot look up. Set it (--CloudMail:HostName=mail.example.com, or CLOUDMAIL__HostName) first");
    }

    private async Task<int> NotLocalAsync(string domain)
    {
        string name = DirectoryKeys.Domain(domain);
        return await FailAsync($"error: {name} is not a local domain (add it with 'cloudmail domain add {name}')", 1);
    }

    private DnsOptions DnsSettings() =>
        services.GetRequiredService<IConfiguration>().GetSection(DnsOptions.Section).Get<DnsOptions>() ?? new DnsOptions();

    private async Task<int> FailAsync(string message, int code)
    {
        await stderr.WriteLineAsync(message);
        return code;
    }
}
