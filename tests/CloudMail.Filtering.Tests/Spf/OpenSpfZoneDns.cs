using System.Net;
using System.Text.Json;
using CloudMail.Filtering.Dns;

namespace CloudMail.Filtering.Tests.Spf;

/// <summary>
/// The DNS of one scenario of the openspf.org RFC 7208 test suite, answered as the suite's reference driver (pyspf's
/// testspf.py) answers it: a name's records in zone order, a <c>TIMEOUT</c> entry failing every query that found no
/// record of its type before it (and a <c>TIMEOUT</c> value failing queries of its own type), a CNAME followed one level,
/// names under <c>error.</c> failing and other unknown names not existing, labels over 63 octets failing (as the
/// resolver the suite was written against did). TXT strings are joined (RFC 7208 §3.3).
/// </summary>
internal sealed class OpenSpfZoneDns(Dictionary<string, List<(string Type, JsonElement Value)>> zone) : IAuthenticationDns
{
    public Task<DnsAnswer<string>> TxtAsync(string name, CancellationToken cancellationToken) =>
        Task.FromResult(Lookup(name, "TXT", v => string.Concat(v.EnumerateArray().Select(s => s.GetString()))));

    public Task<DnsAnswer<IPAddress>> AddressesAsync(string name, bool ipv6, CancellationToken cancellationToken) =>
        Task.FromResult(Lookup(name, ipv6 ? "AAAA" : "A", v => IPAddress.Parse(v.GetString()!)));

    public Task<DnsAnswer<string>> MxAsync(string name, CancellationToken cancellationToken)
    {
        var answer = Lookup(name, "MX", v => (Preference: v[0].GetInt32(), Host: v[1].GetString()!));
        return Task.FromResult(answer.Status == DnsStatus.Found
            ? DnsAnswer<string>.Of([.. answer.Records.OrderBy(r => r.Preference).Select(r => r.Host)])
            : answer.Status == DnsStatus.Error ? DnsAnswer<string>.Error : DnsAnswer<string>.Void);
    }

    public Task<DnsAnswer<string>> PtrAsync(IPAddress address, CancellationToken cancellationToken) =>
        Task.FromResult(Lookup(DnsblQueryName.For(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? "in-addr.arpa" : "ip6.arpa"), "PTR", v => v.GetString()!));

    private DnsAnswer<T> Lookup<T>(string name, string type, Func<JsonElement, T> read, int level = 0)
    {
        string[] labels = name.Split('.', StringSplitOptions.RemoveEmptyEntries);
        if (labels.Any(l => l.Length > 63)) return DnsAnswer<T>.Error;
        string key = string.Join('.', labels).ToLowerInvariant();
        if (!zone.TryGetValue(key, out var entries)) return key.StartsWith("error.", StringComparison.Ordinal) ? DnsAnswer<T>.Error : DnsAnswer<T>.Void;
        var records = new List<T>();
        bool found = false;
        foreach (var (entryType, value) in entries)
        {
            if (entryType == "TIMEOUT")
            {
                if (!found) return DnsAnswer<T>.Error;
                break;
            }
            if (entryType == type) found = true;
            if (value.ValueKind == JsonValueKind.String && value.GetString() == "TIMEOUT")
            {
                if (entryType == type) return DnsAnswer<T>.Error;
                continue;
            }
            if (entryType == type) records.Add(read(value));
            else if (entryType == "CNAME" && level == 0)
            {
                var target = Lookup(value.GetString()!, type, read, 1);
                if (target.Status == DnsStatus.Error) return target;
                records.AddRange(target.Records);
            }
        }
        return DnsAnswer<T>.Of(records);
    }
}
