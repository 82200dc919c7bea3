using CloudMail.Delivery.Dns;
using DnsClient;
using DnsClient.Protocol;

namespace CloudMail.Delivery.Dane;

/// <summary>
/// DANE for SMTP (RFC 7672): looks up the TLSA records of <c>_25._tcp.</c>MX host with the DNSSEC OK bit and trusts only
/// answers the resolver marks authenticated (AD bit), so <c>CloudMail:Dns:Servers</c> must be a validating resolver.
/// These DNSSEC queries bypass DnsClient's cache (its keys ignore the DO bit: a cached answer to a plain query would hide
/// the AD bit); their answers are kept here instead, positive ones for their TTL and negative ones as RFC 2308 says
/// (<see cref="AnswerTtl.Any"/>, on <paramref name="time"/>, the system clock when null), so a destination costs two
/// lookups per TTL, not per message. Failed lookups are never kept.
/// DANE applies only when the domain's MX RRset (or, for an implicit MX, its address records) is secure (§2.2.1); then a
/// secure TLSA RRset with usable records (usages DANE-TA(2)/DANE-EE(3), selectors 0/1, matching types 0/1/2; PKIX usages
/// are unusable, §3.1.3) makes TLS mandatory; a failed or bogus TLSA lookup defers the host (§2.1.1). Never throws for
/// DNS trouble; only for cancellation.
/// </summary>
public sealed class DaneTlsaSource(ILookupClient dns, TimeProvider? time = null)
{
    private readonly DnsAnswerCache _answers = new(time ?? TimeProvider.System, AnswerTtl.Any);

    /// <summary>Whether the domain's MX RRset (or its own address records, when it has no MX) came authenticated.</summary>
    public async Task<bool> IsMxSecureAsync(string domain, CancellationToken cancellationToken)
    {
        var mx = await QueryAsync(domain, QueryType.MX, cancellationToken).ConfigureAwait(false);
        if (mx is null || mx.Header.ResponseCode != DnsHeaderResponseCode.NoError || !mx.Header.IsAuthenticData) return false;
        if (mx.Answers.MxRecords().Any()) return true;
        var a = await QueryAsync(domain, QueryType.A, cancellationToken).ConfigureAwait(false);
        return a is { Header.IsAuthenticData: true };
    }

    /// <summary>The DANE state of MX host <paramref name="host"/> of a domain whose MX RRset is secure.</summary>
    public async Task<DaneTlsa> ForHostAsync(string host, CancellationToken cancellationToken)
    {
        string name = "_25._tcp." + host.TrimEnd('.');
        var response = await QueryAsync(name, QueryType.TLSA, cancellationToken).ConfigureAwait(false);
        if (response is null) return new DaneTlsa.Failed($"451 4.7.5 DANE: TLSA lookup for {name} failed");
        switch (response.Header.ResponseCode)
        {
            case DnsHeaderResponseCode.NoError:
                break;
            case DnsHeaderResponseCode.NotExistentDomain:
                return new DaneTlsa.NotApplicable();
            case var code:
                // §2.1.1: SERVFAIL (a bogus answer from a validating resolver, or an unreachable zone) is not "no TLSA".
                return new DaneTlsa.Failed($"451 4.7.5 DANE: TLSA lookup for {name} failed: {code}");
        }
        if (!response.Header.IsAuthenticData) return new DaneTlsa.NotApplicable();
        var usable = response.Answers.OfType<TlsaRecord>().Where(IsUsable).ToList();
        if (usable.Count == 0) return new DaneTlsa.NotApplicable();
        // §3.2.2: the reference identifiers are the MX host name and the TLSA base domain (the same without CNAMEs).
        var names = new List<string> { host.TrimEnd('.') };
        foreach (var cname in response.Answers.OfType<CNameRecord>())
        {
            string target = cname.CanonicalName.Value.TrimEnd('.');
            if (target.StartsWith("_25._tcp.", StringComparison.OrdinalIgnoreCase)) names.Add(target["_25._tcp.".Length..]);
        }
        return new DaneTlsa.Required(usable, names.Distinct(StringComparer.OrdinalIgnoreCase).ToList());
    }

    /// <summary>RFC 7672 §3.1.3 and RFC 6698 §2.1: only DANE-TA/DANE-EE with a known selector and matching type.</summary>
    public static bool IsUsable(TlsaRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record.CertificateUsage is TlsaCertificateUsage.DANETA or TlsaCertificateUsage.DANEEE
            && record.Selector is TlsaSelector.FullCertificate or TlsaSelector.PublicKey
            && record.MatchingType is TlsaMatchingType.ExactMatch or TlsaMatchingType.SHA256 or TlsaMatchingType.SHA512;
    }

    private async Task<IDnsQueryResponse?> QueryAsync(string name, QueryType type, CancellationToken cancellationToken)
    {
        var question = new DnsQuestion(name, type, QueryClass.IN);
        if (_answers.Get(question) is { } kept) return kept;
        var options = UncachedQuery.Options(dns, dnssec: true); // see the summary: kept in _answers instead
        try
        {
            return _answers.Keep(question, await dns.QueryAsync(question, options, cancellationToken).ConfigureAwait(false));
        }
        catch (DnsResponseException)
        {
            return null;
        }
    }
}
