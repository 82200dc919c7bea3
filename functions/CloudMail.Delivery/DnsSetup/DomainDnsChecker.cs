using CloudMail.Core.DnsSetup;
using CloudMail.Delivery.Dns;
using DnsClient;
using DnsClient.Protocol;

namespace CloudMail.Delivery.DnsSetup;

/// <summary>
/// Looks up each record of <see cref="MailDomainRecords"/> through the configured resolvers (<c>CloudMail:Dns:Servers</c>)
/// and says whether it is published as needed. Matching is by meaning, not by text: an MX or SRV record matches when it
/// points at the server (SRV also on the right port); a CNAME name matches when it points at the server or has an address
/// of its own; a TXT record is found by its tag (<c>v=spf1</c>, <c>v=DKIM1</c>, <c>v=DMARC1</c>, <c>v=STSv1</c>,
/// <c>v=TLSRPTv1</c>) and is right when SPF allows the domain's MX hosts (an <c>mx</c> term), DKIM carries the same public key,
/// MTA-STS the same policy id; any DMARC or TLS-RPT record is accepted (their policy is the owner's choice). Every check
/// asks the resolvers again (<see cref="UncachedQuery"/>): a record the owner has just published, or just fixed, shows as
/// soon as the resolvers see it, not when an answer CloudMail kept for delivery expires.
/// </summary>
public sealed class DomainDnsChecker(ILookupClient dns) : IDnsRecordChecker
{
    public async Task<IReadOnlyList<DnsRecordStatus>> CheckAsync(IReadOnlyList<DnsRecordSpec> expected, CancellationToken cancellationToken)
    {
        var statuses = new List<DnsRecordStatus>(expected.Count);
        foreach (DnsRecordSpec record in expected) statuses.Add(await CheckAsync(record, cancellationToken).ConfigureAwait(false));
        return statuses;
    }

    private async Task<DnsRecordStatus> CheckAsync(DnsRecordSpec record, CancellationToken cancellationToken)
    {
        QueryType type = record.Type switch
        {
            DnsRecordType.Mx => QueryType.MX,
            DnsRecordType.Srv => QueryType.SRV,
            DnsRecordType.Cname => QueryType.CNAME,
            _ => QueryType.TXT,
        };
        IDnsQueryResponse response;
        try
        {
            response = await QueryAsync(record.Name, type, cancellationToken).ConfigureAwait(false);
        }
        catch (DnsResponseException e)
        {
            return new DnsRecordStatus(record, DnsRecordState.Unknown, [e.Message]);
        }
        if (response.HasError && response.Header.ResponseCode != DnsHeaderResponseCode.NotExistentDomain)
            return new DnsRecordStatus(record, DnsRecordState.Unknown, [response.ErrorMessage]);
        return record.Type switch
        {
            DnsRecordType.Mx => Judge(record, [.. response.Answers.MxRecords().Select(m => $"{m.Preference} {Host(m.Exchange)}")],
                found => found.Any(f => f.EndsWith(" " + TargetOf(record), StringComparison.OrdinalIgnoreCase))),
            DnsRecordType.Srv => Judge(record, [.. response.Answers.SrvRecords().Select(s => $"{s.Priority} {s.Weight} {s.Port} {Host(s.Target)}")],
                found => found.Any(f => SamePortAndTarget(f, record.Value))),
            DnsRecordType.Cname => await JudgeNameAsync(record, response, cancellationToken).ConfigureAwait(false),
            _ => JudgeTxt(record, [.. response.Answers.TxtRecords().Select(t => string.Concat(t.Text))]),
        };
    }

    private Task<IDnsQueryResponse> QueryAsync(string name, QueryType type, CancellationToken cancellationToken) =>
        dns.QueryAsync(new DnsQuestion(name, type, QueryClass.IN), UncachedQuery.Options(dns), cancellationToken);

    private async Task<DnsRecordStatus> JudgeNameAsync(DnsRecordSpec record, IDnsQueryResponse response, CancellationToken cancellationToken)
    {
        var cnames = response.Answers.CnameRecords().Select(c => Host(c.CanonicalName)).ToList();
        if (cnames.Count > 0) return Judge(record, cnames, found => found.Contains(record.Value, StringComparer.OrdinalIgnoreCase));
        var addresses = await QueryAsync(record.Name, QueryType.A, cancellationToken).ConfigureAwait(false);
        var a = addresses.Answers.ARecords().Select(r => r.Address.ToString()).ToList();
        return new DnsRecordStatus(record, a.Count > 0 ? DnsRecordState.Ok : DnsRecordState.Missing, a);
    }

    private static DnsRecordStatus JudgeTxt(DnsRecordSpec record, List<string> texts)
    {
        string tag = TagOf(record.Value);
        var tagged = texts.Where(t => TagOf(t).Equals(tag, StringComparison.OrdinalIgnoreCase)).ToList();
        return Judge(record, tagged, found => found.Any(t => tag.ToLowerInvariant() switch
        {
            "v=spf1" => t.Split(' ').Any(term => term.ToLowerInvariant() is "mx" or "+mx"),
            "v=dkim1" => Tag(t, "p") == Tag(record.Value, "p"),
            "v=stsv1" => Tag(t, "id") == Tag(record.Value, "id"),
            _ => true,
        }));
    }

    private static DnsRecordStatus Judge(DnsRecordSpec record, List<string> found, Func<List<string>, bool> right) =>
        new(record, found.Count == 0 ? DnsRecordState.Missing : right(found) ? DnsRecordState.Ok : DnsRecordState.Wrong, found);

    /// <summary>The first tag of a tag list, e.g. <c>v=DKIM1</c> of <c>v=DKIM1; k=rsa; p=...</c> (SPF: its version word).</summary>
    private static string TagOf(string text) => text.Split([';', ' '], 2)[0].Trim();

    /// <summary>The value of tag <paramref name="name"/> in a <c>tag=value; ...</c> list, whitespace removed, or "".</summary>
    private static string Tag(string text, string name)
    {
        foreach (string part in text.Split(';'))
        {
            int eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && part[..eq].Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
                return string.Concat(part[(eq + 1)..].Where(c => !char.IsWhiteSpace(c)));
        }
        return "";
    }

    private static bool SamePortAndTarget(string found, string expected)
    {
        string[] f = found.Split(' '), e = expected.Split(' ');
        return f.Length == 4 && e.Length == 4 && f[2] == e[2] && f[3].Equals(e[3], StringComparison.OrdinalIgnoreCase);
    }

    private static string TargetOf(DnsRecordSpec record) => record.Value.Split(' ')[^1];

    private static string Host(DnsString name) => name.Value.TrimEnd('.').ToLowerInvariant();
}
