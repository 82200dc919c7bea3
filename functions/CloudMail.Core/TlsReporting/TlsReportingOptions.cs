namespace CloudMail.Core.TlsReporting;

/// <summary>
/// Section <c>CloudMail:TlsReporting</c> (Functions app settings <c>CloudMail__TlsReporting__…</c>): SMTP TLS reporting
/// (RFC 8460) of outbound delivery. Each TLS session with a recipient domain's MX host is counted per domain and UTC day;
/// once a day the domains that publish a <c>_smtp._tls</c> TXT record get an aggregate report by mail. Bound and
/// validated at start.
/// </summary>
public sealed class TlsReportingOptions
{
    public const string Section = "CloudMail:TlsReporting";

    /// <summary>Count sessions and send the daily reports.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The report's <c>organization-name</c> (RFC 8460 §4.4); empty: the submitter domain.</summary>
    public string OrganizationName { get; set; } = "";

    /// <summary>The report's <c>contact-info</c>, an address or URI; empty: <c>postmaster@</c> the submitter domain.</summary>
    public string ContactInfo { get; set; } = "";

    /// <summary>
    /// The domain that sends the reports (<c>TLS-Report-Submitter</c>, RFC 8460 §5.3) and whose From address they carry;
    /// empty: the delivery HELO name (<c>CloudMail:Delivery:HeloName</c>, else <c>CloudMail:HostName</c>).
    /// </summary>
    public string SubmitterDomain { get; set; } = "";

    /// <summary>Local part of the reports' From address at the submitter domain.</summary>
    public string FromLocalPart { get; set; } = "tlsrpt-noreply";

    /// <summary>
    /// UTC hour (0–23) from which the previous day's reports go out. Later runs of the same day send what an earlier run
    /// could not (DNS trouble), and a day missed entirely goes out the day after.
    /// </summary>
    public int SendHourUtc { get; set; } = 1;

    /// <summary>Days of counts kept after they are due (sent or not); older days are deleted by the daily run.</summary>
    public int RetentionDays { get; set; } = 7;

    /// <summary>Problems with the values, empty when valid.</summary>
    public IEnumerable<string> Problems()
    {
        if (SendHourUtc is < 0 or > 23) yield return $"{Section}:SendHourUtc must be between 0 and 23";
        if (RetentionDays is < 2 or > 366) yield return $"{Section}:RetentionDays must be between 2 and 366";
        if (SubmitterDomain.Any(c => c is '@' or '<' or '>' or ' ' || char.IsControl(c)))
            yield return $"{Section}:SubmitterDomain must be a domain name";
        if (FromLocalPart.Length == 0 || FromLocalPart.Any(c => c is '@' or '<' or '>' or '"' or ' ' || char.IsControl(c)))
            yield return $"{Section}:FromLocalPart must be a plain local part";
    }
}
