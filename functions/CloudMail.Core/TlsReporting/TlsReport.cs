using System.Globalization;
using System.Text.Json;

namespace CloudMail.Core.TlsReporting;

/// <summary>
/// One aggregate report (RFC 8460 §4): who reports, for which policy domain and UTC day, and the tallies of that day.
/// <see cref="ToJson"/> writes the §4.4 JSON. Pure.
/// </summary>
/// <param name="OrganizationName">The reporting organization (<c>organization-name</c>).</param>
/// <param name="ContactInfo">Whom to contact about it (<c>contact-info</c>).</param>
/// <param name="Submitter">The submitting domain (<c>TLS-Report-Submitter</c>, §5.3).</param>
/// <param name="PolicyDomain">The domain reported on.</param>
/// <param name="Day">The UTC day covered (<c>date-range</c> from 00:00:00Z to 23:59:59Z).</param>
/// <param name="Policies">The day's tallies, one per policy.</param>
public sealed record TlsReport(string OrganizationName, string ContactInfo, string Submitter, string PolicyDomain, DateOnly Day,
    IReadOnlyList<TlsPolicyTally> Policies)
{
    /// <summary>Start of the covered range.</summary>
    public DateTimeOffset Start => new(Day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>Last second of the covered range (§4.4 example: <c>...T23:59:59Z</c>).</summary>
    public DateTimeOffset End => Start.AddDays(1).AddSeconds(-1);

    /// <summary>
    /// The <c>report-id</c>: <c>YYYYMMDD.policy-domain@submitter</c>, the same for the same day and domain, so a report
    /// submitted twice carries one id (and one message id).
    /// </summary>
    public string ReportId => string.Create(CultureInfo.InvariantCulture, $"{Day:yyyyMMdd}.{PolicyDomain}@{Submitter}");

    /// <summary>
    /// The attachment's file name (§5.1): <c>submitter!policy-domain!begin!end.json.gz</c>, the times in seconds since
    /// the Unix epoch.
    /// </summary>
    public string FileName => string.Create(CultureInfo.InvariantCulture,
        $"{Submitter}!{PolicyDomain}!{Start.ToUnixTimeSeconds()}!{End.ToUnixTimeSeconds()}.json.gz");

    /// <summary>The §4.4 JSON, UTF-8, indented.</summary>
    public byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("organization-name", OrganizationName);
            json.WriteStartObject("date-range");
            json.WriteString("start-datetime", Timestamp(Start));
            json.WriteString("end-datetime", Timestamp(End));
            json.WriteEndObject();
            json.WriteString("contact-info", ContactInfo);
            json.WriteString("report-id", ReportId);
            json.WriteStartArray("policies");
            foreach (TlsPolicyTally tally in Policies) WritePolicy(json, tally);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static void WritePolicy(Utf8JsonWriter json, TlsPolicyTally tally)
    {
        json.WriteStartObject();
        json.WriteStartObject("policy");
        json.WriteString("policy-type", tally.Policy.Type.ToWireName());
        if (tally.Policy.PolicyStrings.Count > 0) WriteStrings(json, "policy-string", tally.Policy.PolicyStrings);
        json.WriteString("policy-domain", tally.Policy.PolicyDomain);
        if (tally.Policy.MxHosts.Count > 0) WriteStrings(json, "mx-host", tally.Policy.MxHosts);
        json.WriteEndObject();
        json.WriteStartObject("summary");
        json.WriteNumber("total-successful-session-count", tally.Successes);
        json.WriteNumber("total-failure-session-count", tally.Failures);
        json.WriteEndObject();
        if (tally.Details.Count > 0)
        {
            json.WriteStartArray("failure-details");
            foreach (TlsFailureCount failure in tally.Details) WriteFailure(json, failure);
            json.WriteEndArray();
        }
        json.WriteEndObject();
    }

    private static void WriteFailure(Utf8JsonWriter json, TlsFailureCount failure)
    {
        TlsFailureDetail d = failure.Detail;
        json.WriteStartObject();
        json.WriteString("result-type", d.ResultType);
        if (d.SendingMtaIp is { Length: > 0 }) json.WriteString("sending-mta-ip", d.SendingMtaIp);
        if (d.ReceivingMxHostname is { Length: > 0 }) json.WriteString("receiving-mx-hostname", d.ReceivingMxHostname);
        if (d.ReceivingIp is { Length: > 0 }) json.WriteString("receiving-ip", d.ReceivingIp);
        json.WriteNumber("failed-session-count", failure.Sessions);
        if (d.FailureReasonCode is { Length: > 0 }) json.WriteString("failure-reason-code", d.FailureReasonCode);
        json.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter json, string name, IReadOnlyList<string> values)
    {
        json.WriteStartArray(name);
        foreach (string value in values) json.WriteStringValue(value);
        json.WriteEndArray();
    }

    /// <summary>RFC 3339 date-time in UTC (§4.4: <c>2016-04-01T00:00:00Z</c>).</summary>
    private static string Timestamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
