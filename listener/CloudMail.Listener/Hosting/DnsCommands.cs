using CloudMail.Core.Directory;
using CloudMail.Core.DnsSetup;
using CloudMail.Core.Dkim;
using CloudMail.Delivery;
using CloudMail.Delivery.DnsSetup;
using CloudMail.Listener.Configuration;
using DnsClient;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CloudMail.Listener.Hosting;

/// <summary>
/// <c>cloudmail dns records DOMAIN</c> prints, as zone-file lines, every record a domain served here needs
/// (<see cref="MailDomainRecords"/>); <c>cloudmail dns check DOMAIN</c> looks them up through <c>CloudMail:Dns:Servers</c>
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

    private async Task<int> RecordsAsync(string domain, CancellationToken ct)
    {
        if (await ExpectedAsync(domain, ct) is not { } records) return 1;
        foreach (DnsRecordSpec record in records)
            await stdout.WriteLineAsync($"; {record.Purpose}\n{record.ZoneFileLine()}");
        await stdout.WriteLineAsync($"; and an A/AAAA record for {HostName}, a PTR record naming it for each of its addresses");
        return 0;
    }

    private async Task<int> CheckAsync(string domain, CancellationToken ct)
    {
        if (await ExpectedAsync(domain, ct) is not { } records) return 1;
        var checker = new DomainDnsChecker(services.GetService<ILookupClient>() ?? DnsServiceCollectionExtensions.CreateLookupClient(DnsSettings()));
        bool allOk = true;
        foreach (DnsRecordStatus status in await checker.CheckAsync(records, ct))
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

    private async Task<IReadOnlyList<DnsRecordSpec>?> ExpectedAsync(string domain, CancellationToken ct)
    {
        string name = DirectoryKeys.Domain(domain);
        if (!await services.GetRequiredService<IMailDirectory>().IsLocalDomainAsync(name, ct))
        {
            await stderr.WriteLineAsync($"error: {name} is not a local domain (add it with 'cloudmail domain add {name}')");
            return null;
        }
        var keys = await services.GetRequiredService<IDkimKeyStore>().ListAsync(name, ct);
        var ports = services.GetRequiredService<IOptions<CloudMailOptions>>().Value.Ports;
        var mtaSts = (services.GetRequiredService<IConfiguration>().GetSection(MtaStsPublishingOptions.Section).Get<MtaStsPublishingOptions>() ?? new()).PolicyFor(HostName);
        return MailDomainRecords.For(name, HostName,
            new MailServicePorts(ports.Submission, ports.Submissions, ports.Imap, ports.Imaps, ports.Pop3, ports.Pop3s), keys, mtaSts);
    }

    private string HostName => services.GetRequiredService<IOptions<CloudMailOptions>>().Value.HostName;

    private DnsOptions DnsSettings() =>
        services.GetRequiredService<IConfiguration>().GetSection(DnsOptions.Section).Get<DnsOptions>() ?? new DnsOptions();

    private async Task<int> FailAsync(string message, int code)
    {
        await stderr.WriteLineAsync(message);
        return code;
    }
}
