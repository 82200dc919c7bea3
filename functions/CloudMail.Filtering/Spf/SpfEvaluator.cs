using System.Net;
using System.Net.Sockets;
using CloudMail.Core.Net;
using CloudMail.Filtering.Dns;

namespace CloudMail.Filtering.Spf;

/// <summary>
/// check_host() of RFC 7208 §4: finds the domain's SPF record (§4.4, §4.5), evaluates its mechanisms in order (§4.6, §5),
/// follows <c>include</c> and <c>redirect</c>, and on <c>fail</c> fetches the <c>exp=</c> explanation (§6.2). Enforces
/// the limits of §4.6.4: at most 10 mechanisms and modifiers that query DNS, at most 10 MX names per <c>mx</c>, at most 10
/// PTR names per <c>ptr</c> / %{p}, at most 2 void lookups; going over is a permerror. Never throws for DNS content;
/// DNS failures are temperror. Only cancellation propagates.
/// </summary>
public sealed class SpfEvaluator(IAuthenticationDns dns, TimeProvider time, string receivingHost)
{
    private IAuthenticationDns Dns => dns;

    private TimeProvider Time => time;

    private string ReceivingHost => receivingHost;

    /// <summary>§4.6.4: mechanisms and modifiers that cause DNS queries.</summary>
    public const int MaxDnsMechanisms = 10;

    /// <summary>§4.6.4: DNS queries answered with no records or NXDOMAIN.</summary>
    public const int MaxVoidLookups = 2;

    /// <summary>§4.6.4: names looked at per <c>mx</c> and per <c>ptr</c>.</summary>
    public const int MaxNamesPerMechanism = 10;

    /// <summary>
    /// The SPF result for mail from <paramref name="ip"/> with envelope sender <paramref name="mailFrom"/> (empty for the null
    /// sender: then <c>postmaster@</c><paramref name="helo"/> is checked, §2.4) and HELO name <paramref name="helo"/>.
    /// </summary>
    public Task<SpfOutcome> CheckMailFromAsync(IPAddress ip, string mailFrom, string helo, CancellationToken cancellationToken)
    {
        string sender = mailFrom.Length == 0 ? "postmaster@" + helo : mailFrom;
        int at = sender.LastIndexOf('@');
        string domain = at < 0 ? sender : sender[(at + 1)..];
        if (at <= 0) sender = "postmaster@" + domain; // §4.3: an empty local part is "postmaster"
        return CheckHostAsync(ip, domain, sender, helo, cancellationToken);
    }

    /// <summary>check_host(<paramref name="ip"/>, <paramref name="domain"/>, <paramref name="sender"/>) of §4.</summary>
    public async Task<SpfOutcome> CheckHostAsync(IPAddress ip, string domain, string sender, string helo, CancellationToken cancellationToken)
    {
        ip = ip.Unmapped(); // §5: an IPv4-mapped client is an IPv4 client
        var run = new Run(this, ip, sender, helo);
        try
        {
            return await run.CheckAsync(domain.TrimEnd('.'), depth: 0, cancellationToken).ConfigureAwait(false);
        }
        catch (SpfAbort abort)
        {
            return new SpfOutcome(abort.Result, domain, abort.Message);
        }
    }

    /// <summary>Ends the whole evaluation with a result (limits, DNS failures): the only exception used, and never thrown out.</summary>
    private sealed class SpfAbort(SpfResult result, string reason) : Exception(reason)
    {
        public SpfResult Result { get; } = result;
    }

    /// <summary>One top-level evaluation: the counters of §4.6.4 are shared by every include and redirect in it.</summary>
    private sealed class Run(SpfEvaluator owner, IPAddress ip, string sender, string helo)
    {
        private int _dnsMechanisms;
        private int _voidLookups;

        public async Task<SpfOutcome> CheckAsync(string domain, int depth, CancellationToken ct)
        {
            if (!IsValidDomain(domain)) return new SpfOutcome(SpfResult.None, domain, "not a valid domain name (RFC 7208 §4.3)");
            var txt = await owner.Dns.TxtAsync(domain, ct).ConfigureAwait(false);
            if (txt.Status == DnsStatus.Error) return new SpfOutcome(SpfResult.TempError, domain, "DNS failure looking up the SPF record");
            var records = txt.Records.Where(SpfRecordParser.IsSpfRecord).ToList();
            if (records.Count == 0) return new SpfOutcome(SpfResult.None, domain, "no SPF record");
            if (records.Count > 1) return new SpfOutcome(SpfResult.PermError, domain, "more than one SPF record (RFC 7208 §4.5)");
            var parsed = SpfRecordParser.Parse(records[0]);
            if (parsed.Record is not { } record) return new SpfOutcome(SpfResult.PermError, domain, parsed.Error ?? "syntax error");

            var context = Context(domain);
            foreach (var directive in record.Directives)
            {
                if (await MatchesAsync(directive, domain, context, depth, ct).ConfigureAwait(false))
                {
                    var result = directive.Qualifier switch
                    {
                        SpfQualifier.Pass => SpfResult.Pass,
                        SpfQualifier.Fail => SpfResult.Fail,
                        SpfQualifier.SoftFail => SpfResult.SoftFail,
                        _ => SpfResult.Neutral,
                    };
                    string reason = $"matched {directive.Kind.ToString().ToLowerInvariant()}{(directive.DomainSpec is null ? "" : ":" + directive.DomainSpec)}";
                    string? explanation = result == SpfResult.Fail && record.Explanation is not null
                        ? await ExplanationAsync(record.Explanation, context, ct).ConfigureAwait(false)
                        : null;
                    return new SpfOutcome(result, domain, reason, explanation);
                }
            }
            if (record.Redirect is not null)
            {
                // §6.1: redirect counts as a DNS mechanism; a target without a record is a permerror.
                CountDnsMechanism();
                string target = TargetName(await SpfMacro.ExpandAsync(record.Redirect, context, false, ct).ConfigureAwait(false));
                if (depth >= 20) throw new SpfAbort(SpfResult.PermError, "include/redirect loop");
                var redirected = await CheckAsync(target, depth + 1, ct).ConfigureAwait(false);
                return redirected.Result == SpfResult.None
                    ? new SpfOutcome(SpfResult.PermError, target, "redirect to a domain without an SPF record (RFC 7208 §6.1)")
                    : redirected;
            }
            return new SpfOutcome(SpfResult.Neutral, domain, "no mechanism matched (RFC 7208 §4.7)");
        }

        private SpfMacroContext Context(string domain) =>
            new(sender, domain, ip, helo, owner.ReceivingHost, owner.Time.GetUtcNow(), ValidatedNameAsync);

        /// <summary>True when the mechanism of <paramref name="d"/> matches the client (RFC 7208 §5); limits and DNS failures abort.</summary>
        private async Task<bool> MatchesAsync(SpfDirective d, string domain, SpfMacroContext context, int depth, CancellationToken ct)
        {
            switch (d.Kind)
            {
                case SpfMechanismKind.All:
                    return true;
                case SpfMechanismKind.Ip4:
                case SpfMechanismKind.Ip6:
                    return InNetwork(ip, d.Network!, d.Kind == SpfMechanismKind.Ip4 ? d.Cidr4 : d.Cidr6);
            }
            CountDnsMechanism();
            string target = d.DomainSpec is null ? domain : TargetName(await SpfMacro.ExpandAsync(d.DomainSpec, context, false, ct).ConfigureAwait(false));
            switch (d.Kind)
            {
                case SpfMechanismKind.Include:
                {
                    if (depth >= 20) throw new SpfAbort(SpfResult.PermError, "include/redirect loop");
                    var inner = await CheckAsync(target, depth + 1, ct).ConfigureAwait(false);
                    // §5.2: the results table of include.
                    return inner.Result switch
                    {
                        SpfResult.Pass => true,
                        SpfResult.Fail or SpfResult.SoftFail or SpfResult.Neutral => false,
                        SpfResult.TempError => throw new SpfAbort(SpfResult.TempError, $"include:{target}: {inner.Reason}"),
                        _ => throw new SpfAbort(SpfResult.PermError, $"include:{target}: {inner.Reason}"),
                    };
                }
                case SpfMechanismKind.A:
                    return MatchesAny(await AddressesAsync(target, ip.AddressFamily == AddressFamily.InterNetworkV6, ct).ConfigureAwait(false), d);
                case SpfMechanismKind.Mx:
                {
                    var mx = Checked(IsValidDomain(target) ? await owner.Dns.MxAsync(target, ct).ConfigureAwait(false) : DnsAnswer<string>.Void, "MX", target);
                    if (mx.Count > MaxNamesPerMechanism) throw new SpfAbort(SpfResult.PermError, $"mx:{target} has more than {MaxNamesPerMechanism} names (RFC 7208 §4.6.4)");
                    foreach (string host in mx)
                    {
                        if (MatchesAny(await AddressesAsync(host, ip.AddressFamily == AddressFamily.InterNetworkV6, ct).ConfigureAwait(false), d)) return true;
                    }
                    return false;
                }
                case SpfMechanismKind.Ptr:
                {
                    foreach (string name in await ValidatedNamesAsync(ct).ConfigureAwait(false))
                    {
                        if (name.Equals(target, StringComparison.OrdinalIgnoreCase) || name.EndsWith("." + target, StringComparison.OrdinalIgnoreCase)) return true;
                    }
                    return false;
                }
                case SpfMechanismKind.Exists:
                    // §5.7: always an A query, whatever the client's address family.
                    return (await AddressesAsync(target, false, ct).ConfigureAwait(false)).Count > 0;
                default:
                    return false;
            }
        }

        private void CountDnsMechanism()
        {
            if (++_dnsMechanisms > MaxDnsMechanisms)
                throw new SpfAbort(SpfResult.PermError, $"more than {MaxDnsMechanisms} DNS-querying mechanisms (RFC 7208 §4.6.4)");
        }

        /// <summary>Records of an answer; a DNS error aborts with temperror, a void answer counts against §4.6.4's limit.</summary>
        private IReadOnlyList<T> Checked<T>(DnsAnswer<T> answer, string type, string name)
        {
            if (answer.Status == DnsStatus.Error) throw new SpfAbort(SpfResult.TempError, $"DNS failure looking up {type} of {name}");
            if (answer.Status == DnsStatus.Void && ++_voidLookups > MaxVoidLookups)
                throw new SpfAbort(SpfResult.PermError, $"more than {MaxVoidLookups} void DNS lookups (RFC 7208 §4.6.4)");
            return answer.Records;
        }

        /// <summary>
        /// The A or AAAA records of <paramref name="name"/>. A name no DNS query can be made of (an empty label, a label over 63
        /// octets: a valid domain-spec can expand to one) is treated as not existing, as the openspf.org suite prefers
        /// (RFC 7208 leaves it undefined): a void lookup, so the mechanism does not match.
        /// </summary>
        private async Task<IReadOnlyList<IPAddress>> AddressesAsync(string name, bool ipv6, CancellationToken ct) =>
            Checked(IsValidDomain(name) ? await owner.Dns.AddressesAsync(name, ipv6, ct).ConfigureAwait(false) : DnsAnswer<IPAddress>.Void,
                ipv6 ? "AAAA" : "A", name);

        private bool MatchesAny(IReadOnlyList<IPAddress> addresses, SpfDirective d) =>
            addresses.Any(a => InNetwork(ip, a, a.AddressFamily == AddressFamily.InterNetworkV6 ? d.Cidr6 : d.Cidr4));

        /// <summary>§5.5: the PTR names of the client (at most 10) whose own addresses include the client.</summary>
        private async Task<List<string>> ValidatedNamesAsync(CancellationToken ct)
        {
            var ptr = await owner.Dns.PtrAsync(ip, ct).ConfigureAwait(false);
            if (ptr.Status == DnsStatus.Void) Checked(ptr, "PTR", ip.ToString());
            var validated = new List<string>();
            // §5.5: a DNS error during the PTR lookups means no match, not a temperror.
            foreach (string name in ptr.Records.Take(MaxNamesPerMechanism))
            {
                var forward = await owner.Dns.AddressesAsync(name, ip.AddressFamily == AddressFamily.InterNetworkV6, ct).ConfigureAwait(false);
                if (forward.Records.Any(a => a.Equals(ip))) validated.Add(name);
            }
            return validated;
        }

        /// <summary>%{p} (§7.3): a validated name of the client, preferring one under the current domain; "unknown" without one.</summary>
        private async Task<string> ValidatedNameAsync(CancellationToken ct)
        {
            var names = await ValidatedNamesAsync(ct).ConfigureAwait(false);
            return names.Count == 0 ? "unknown" : names[0];
        }

        /// <summary>§6.2: the explanation text; any problem means no explanation (never an error).</summary>
        private async Task<string?> ExplanationAsync(string spec, SpfMacroContext context, CancellationToken ct)
        {
            try
            {
                string name = await SpfMacro.ExpandAsync(spec, context, false, ct).ConfigureAwait(false);
                var txt = await owner.Dns.TxtAsync(name, ct).ConfigureAwait(false);
                if (txt.Records.Count != 1 || !SpfMacro.IsValid(txt.Records[0], explanation: true)) return null;
                return await SpfMacro.ExpandAsync(txt.Records[0], context, true, ct).ConfigureAwait(false);
            }
            catch (SpfAbort)
            {
                return null;
            }
        }
    }

    /// <summary>True when the first <paramref name="prefix"/> bits of both addresses (same family) agree.</summary>
    internal static bool InNetwork(IPAddress address, IPAddress network, int prefix)
    {
        if (address.AddressFamily != network.AddressFamily) return false;
        byte[] a = address.GetAddressBytes(), n = network.GetAddressBytes();
        int full = prefix / 8, rest = prefix % 8;
        for (int i = 0; i < full; i++) if (a[i] != n[i]) return false;
        if (rest == 0) return true;
        int mask = 0xff << (8 - rest) & 0xff;
        return (a[full] & mask) == (n[full] & mask);
    }

    /// <summary>A target name as expanded from a domain-spec, its one trailing dot dropped (§7.1: "a trailing dot is ignored").</summary>
    private static string TargetName(string expanded) => expanded.EndsWith('.') ? expanded[..^1] : expanded;

    /// <summary>§4.3: a domain that is no FQDN (empty label, label over 63, over 253, one label) gives result none.</summary>
    internal static bool IsValidDomain(string domain)
    {
        if (domain.Length is 0 or > 253) return false;
        string[] labels = domain.Split('.');
        return labels.Length >= 2 && labels.All(l => l.Length is > 0 and <= 63);
    }
}
