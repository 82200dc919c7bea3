using CloudMail.Core.Reporting;

namespace CloudMail.Core.DmarcReporting;

/// <summary>
/// Section <c>CloudMail:DmarcReports</c> (Functions app settings <c>CloudMail__DmarcReports__…</c>): DMARC aggregate
/// reports (RFC 7489 §7.2) about inbound mail. Each port-25 message that got a DMARC evaluation (the From domain, or its
/// organizational domain, publishes a policy) is counted per policy domain and UTC day; once a day each policy domain
/// whose record names <c>rua=mailto:</c> destinations gets an aggregate report by mail. Bound and validated at start.
/// </summary>
public sealed class DmarcReportingOptions
{
    public const string Section = "CloudMail:DmarcReports";

    /// <summary>Count evaluated messages and send the daily reports. Off by default: a report tells a domain's owner which addresses mailed you.</summary>
    public bool Enabled { get; set; } = false;

    /// <summary>The report's <c>org_name</c> (RFC 7489 §7.2.2); empty: the receiver domain (the reporting MTA's name).</summary>
    public string OrgName { get; set; } = "";

    /// <summary>
    /// The address reports are sent from, also the report's contact <c>email</c>; empty: <c>dmarc-noreply@</c> the reporting
    /// MTA's name (<c>CloudMail:Delivery:HeloName</c>, else the machine name). Its domain is the receiver domain of the
    /// report id, subject and file name (§7.2.1.1).
    /// </summary>
    public string From { get; set; } = "";

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
        if (From.Length > 0 && MailtoAddress.Parse(From) != From) yield return $"{Section}:From must be a plain address (local@domain)";
        if (OrgName.Any(char.IsControl)) yield return $"{Section}:OrgName must be one line of text";
    }
}
