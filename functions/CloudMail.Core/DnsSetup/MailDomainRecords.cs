using System.Globalization;
using CloudMail.Core.Dkim;

namespace CloudMail.Core.DnsSetup;

/// <summary>
/// The records a domain served by CloudMail needs, for <c>cloudmail dns records</c> and <c>dns check</c>: MX to the server's
/// host name; SPF allowing that MX (RFC 7208); one DKIM key record per active key (RFC 6376 section 3.6.2); DMARC
/// (RFC 7489 section 6.3) and TLS-RPT (RFC 8460 section 3) reporting to postmaster; the MTA-STS TXT record (RFC 8461
/// section 3.1) and the <c>mta-sts.</c> host that serves the policy; client autoconfiguration host names
/// (<c>autoconfig.</c>, <c>autodiscover.</c>) and the RFC 6186 / RFC 8314 SRV records of submission, IMAP and POP3
/// (implicit TLS first). The host's own A/AAAA records are the operator's: CloudMail does not know its public address.
/// </summary>
public static class MailDomainRecords
{
    /// <summary>The records for <paramref name="domain"/> served by <paramref name="mailHost"/>.</summary>
    public static IReadOnlyList<DnsRecordSpec> For(string domain, string mailHost, MailServicePorts ports, IEnumerable<DkimKey> keys, MtaStsPolicyFile mtaSts)
    {
        string host = mailHost.TrimEnd('.').ToLowerInvariant();
        string d = domain.TrimEnd('.').ToLowerInvariant();
        var records = new List<DnsRecordSpec>
        {
            new(d, DnsRecordType.Mx, "10 " + host, "mail for the domain goes to this server"),
            new(d, DnsRecordType.Txt, "v=spf1 mx -all", "SPF: only the domain's MX hosts send its mail (RFC 7208)"),
        };
        foreach (DkimKey key in keys.Where(k => k.Active && k.Domain.Equals(d, StringComparison.OrdinalIgnoreCase)))
            records.Add(new(DkimDnsRecord.Name(key), DnsRecordType.Txt, DkimDnsRecord.Text(key), $"DKIM public key of selector {key.Selector} (RFC 6376)"));
        records.Add(new("_dmarc." + d, DnsRecordType.Txt, $"v=DMARC1; p=quarantine; rua=mailto:postmaster@{d}", "DMARC policy and aggregate reports (RFC 7489)"));
        records.Add(new("_mta-sts." + d, DnsRecordType.Txt, "v=STSv1; id=" + mtaSts.Id, "MTA-STS: senders fetch the policy (RFC 8461)"));
        records.Add(new("mta-sts." + d, DnsRecordType.Cname, host, "serves the MTA-STS policy over HTTPS (needs a certificate for this name)"));
        records.Add(new("_smtp._tls." + d, DnsRecordType.Txt, $"v=TLSRPTv1; rua=mailto:postmaster@{d}", "TLS reports from senders (RFC 8460)"));
        records.Add(new("autoconfig." + d, DnsRecordType.Cname, host, "Thunderbird autoconfiguration"));
        records.Add(new("autodiscover." + d, DnsRecordType.Cname, host, "Outlook autodiscover"));
        records.Add(Srv("_submissions._tcp." + d, 0, ports.Submissions, host, "submission over implicit TLS (RFC 8314)"));
        records.Add(Srv("_submission._tcp." + d, 10, ports.Submission, host, "submission with STARTTLS (RFC 6186)"));
        records.Add(Srv("_imaps._tcp." + d, 0, ports.Imaps, host, "IMAP over implicit TLS (RFC 6186, RFC 8314)"));
        records.Add(Srv("_imap._tcp." + d, 10, ports.Imap, host, "IMAP with STARTTLS (RFC 6186)"));
        records.Add(Srv("_pop3s._tcp." + d, 20, ports.Pop3s, host, "POP3 over implicit TLS (RFC 6186)"));
        records.Add(Srv("_pop3._tcp." + d, 30, ports.Pop3, host, "POP3 with STARTTLS (RFC 6186)"));
        return records;
    }

    private static DnsRecordSpec Srv(string name, int priority, int port, string host, string purpose) =>
        new(name, DnsRecordType.Srv, string.Create(CultureInfo.InvariantCulture, $"{priority} 1 {port} {host}"), purpose);
}
