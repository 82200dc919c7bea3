using System.Net;
using CloudMail.Filtering.Dns;

namespace CloudMail.Filtering.Tests;

/// <summary>Our own DNS seam answered from a table, for the unit tests of the evaluators; counts the queries.</summary>
internal sealed class FakeDns : IAuthenticationDns
{
    public Dictionary<string, List<string>> Txt { get; } = new(StringComparer.OrdinalIgnoreCase);
    public Dictionary<string, List<IPAddress>> A { get; } = new(StringComparer.OrdinalIgnoreCase);
    public Dictionary<string, List<string>> Mx { get; } = new(StringComparer.OrdinalIgnoreCase);
    public Dictionary<string, List<string>> Ptr { get; } = new(StringComparer.OrdinalIgnoreCase);
    public HashSet<string> Failing { get; } = new(StringComparer.OrdinalIgnoreCase);
    public List<string> Queries { get; } = [];

    public FakeDns WithTxt(string name, params string[] records) { Txt[name] = [.. records]; return this; }

    public FakeDns WithA(string name, params string[] addresses) { A[name] = [.. addresses.Select(IPAddress.Parse)]; return this; }

    public Task<DnsAnswer<string>> TxtAsync(string name, CancellationToken cancellationToken) => Answer(name, "TXT", Txt);

    public Task<DnsAnswer<IPAddress>> AddressesAsync(string name, bool ipv6, CancellationToken cancellationToken)
    {
        var all = Answer(name, ipv6 ? "AAAA" : "A", A).Result;
        var family = ipv6 ? System.Net.Sockets.AddressFamily.InterNetworkV6 : System.Net.Sockets.AddressFamily.InterNetwork;
        return Task.FromResult(all.Status == DnsStatus.Error ? all : DnsAnswer<IPAddress>.Of(all.Records.Where(a => a.AddressFamily == family).ToList()));
    }

    public Task<DnsAnswer<string>> MxAsync(string name, CancellationToken cancellationToken) => Answer(name, "MX", Mx);

    public Task<DnsAnswer<string>> PtrAsync(IPAddress address, CancellationToken cancellationToken) => Answer(address.ToString(), "PTR", Ptr);

    private Task<DnsAnswer<T>> Answer<T>(string name, string type, Dictionary<string, List<T>> table)
    {
        Queries.Add(type + " " + name);
        if (Failing.Contains(name)) return Task.FromResult(DnsAnswer<T>.Error);
        return Task.FromResult(table.TryGetValue(name, out var records) ? DnsAnswer<T>.Of(records) : DnsAnswer<T>.Void);
    }
}
