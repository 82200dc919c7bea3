using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Xml;
using CloudMail.Core.Dmarc;
using CloudMail.Core.Net;

namespace CloudMail.Core.DmarcReporting;

/// <summary>
/// One DMARC aggregate report (RFC 7489 §7.2): who reports, the policy domain and its published record, the UTC day, and
/// the day's rows. <see cref="ToXml"/> writes the Appendix C XML (no namespace, as reports are exchanged). Pure.
/// </summary>
/// <param name="OrgName">The reporting organization (<c>report_metadata/org_name</c>).</param>
/// <param name="Email">Its contact address (<c>report_metadata/email</c>).</param>
/// <param name="Receiver">The receiver domain (file name, subject and report id, §7.2.1.1).</param>
/// <param name="PolicyDomain">The domain reported on (<c>policy_published/domain</c>).</param>
/// <param name="Published">Its DMARC record (<c>policy_published</c>).</param>
/// <param name="Day">The UTC day covered (<c>date_range</c>, 00:00:00 to 23:59:59).</param>
/// <param name="Rows">The day's counts, one <c>record</c> each.</param>
public sealed record DmarcAggregateReport(string OrgName, string Email, string Receiver, string PolicyDomain, DmarcRecord Published, DateOnly Day,
    IReadOnlyList<DmarcResultCount> Rows)
{
    /// <summary>Start of the covered range.</summary>
    public DateTimeOffset Start => new(Day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>Last second of the covered range.</summary>
    public DateTimeOffset End => Start.AddDays(1).AddSeconds(-1);

    /// <summary>The <c>report_id</c>: <c>YYYYMMDD.policy-domain@receiver</c>, the same for the same day and domain, so a report submitted twice carries one id.</summary>
    public string ReportId => string.Create(CultureInfo.InvariantCulture, $"{Day:yyyyMMdd}.{PolicyDomain}@{Receiver}");

    /// <summary>The attachment's file name (§7.2.1.1): <c>receiver!policy-domain!begin!end.xml.gz</c>, times in seconds since the Unix epoch.</summary>
    public string FileName => string.Create(CultureInfo.InvariantCulture,
        $"{Receiver}!{PolicyDomain}!{Start.ToUnixTimeSeconds()}!{End.ToUnixTimeSeconds()}.xml.gz");

    /// <summary>The Appendix C XML, UTF-8 without a byte order mark, indented.</summary>
    public byte[] ToXml()
    {
        using var buffer = new MemoryStream();
        var settings = new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true, NewLineChars = "\n" };
        using (var xml = XmlWriter.Create(buffer, settings))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement("feedback");
            xml.WriteStartElement("report_metadata");
            xml.WriteElementString("org_name", OrgName);
            xml.WriteElementString("email", Email);
            xml.WriteElementString("report_id", ReportId);
            xml.WriteStartElement("date_range");
            xml.WriteElementString("begin", Number(Start.ToUnixTimeSeconds()));
            xml.WriteElementString("end", Number(End.ToUnixTimeSeconds()));
            xml.WriteEndElement();
            xml.WriteEndElement();
            WritePolicy(xml);
            foreach (DmarcResultCount row in Rows) WriteRecord(xml, row);
            xml.WriteEndElement();
            xml.WriteEndDocument();
        }
        return buffer.ToArray();
    }

    private void WritePolicy(XmlWriter xml)
    {
        xml.WriteStartElement("policy_published");
        xml.WriteElementString("domain", PolicyDomain);
        xml.WriteElementString("adkim", Published.StrictDkim ? "s" : "r");
        xml.WriteElementString("aspf", Published.StrictSpf ? "s" : "r");
        xml.WriteElementString("p", DmarcRecord.Keyword(Published.Policy));
        xml.WriteElementString("sp", DmarcRecord.Keyword(Published.SubdomainPolicy));
        xml.WriteElementString("pct", Number(Published.Percent));
        xml.WriteElementString("fo", Published.FailureOptions);
        xml.WriteEndElement();
    }

    private static void WriteRecord(XmlWriter xml, DmarcResultCount count)
    {
        DmarcMessageResult r = count.Result;
        xml.WriteStartElement("record");
        xml.WriteStartElement("row");
        xml.WriteElementString("source_ip", SourceIp(r.SourceIp));
        xml.WriteElementString("count", Number(count.Messages));
        xml.WriteStartElement("policy_evaluated");
        xml.WriteElementString("disposition", DmarcRecord.Keyword(r.Disposition));
        xml.WriteElementString("dkim", r.DkimAligned ? "pass" : "fail");
        xml.WriteElementString("spf", r.SpfAligned ? "pass" : "fail");
        foreach (DmarcOverrideReason reason in r.OverrideReasons)
        {
            xml.WriteStartElement("reason");
            xml.WriteElementString("type", reason.Keyword);
            if (reason.Comment.Length > 0) xml.WriteElementString("comment", reason.Comment);
            xml.WriteEndElement();
        }
        xml.WriteEndElement();
        xml.WriteEndElement();
        xml.WriteStartElement("identifiers");
        xml.WriteElementString("envelope_from", r.EnvelopeFrom);
        xml.WriteElementString("header_from", r.HeaderFrom);
        xml.WriteEndElement();
        xml.WriteStartElement("auth_results");
        foreach (DmarcDkimResult d in r.Dkim)
        {
            xml.WriteStartElement("dkim");
            xml.WriteElementString("domain", d.Domain);
            if (d.Selector.Length > 0) xml.WriteElementString("selector", d.Selector);
            xml.WriteElementString("result", d.Result);
            xml.WriteEndElement();
        }
        xml.WriteStartElement("spf");
        xml.WriteElementString("domain", r.Spf.Domain);
        xml.WriteElementString("scope", r.Spf.Scope);
        xml.WriteElementString("result", r.Spf.Result);
        xml.WriteEndElement();
        xml.WriteEndElement();
        xml.WriteEndElement();
    }

    /// <summary>
    /// The address as Appendix C's <c>IPAddress</c> pattern accepts it: IPv4 dotted quad, IPv6 as eight full groups
    /// (the pattern has no <c>::</c> form); an IPv4-mapped IPv6 address as its IPv4 address.
    /// </summary>
    public static string SourceIp(string address)
    {
        if (!IPAddress.TryParse(address, out IPAddress? ip)) return address;
        ip = ip.Unmapped();
        if (ip.AddressFamily != AddressFamily.InterNetworkV6) return ip.ToString();
        byte[] bytes = ip.GetAddressBytes();
        return string.Join(':', Enumerable.Range(0, 8).Select(i => (bytes[2 * i] << 8 | bytes[2 * i + 1]).ToString("x4", CultureInfo.InvariantCulture)));
    }

    private static string Number(long n) => n.ToString(CultureInfo.InvariantCulture);
}
