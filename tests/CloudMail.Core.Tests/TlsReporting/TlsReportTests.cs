using System.IO.Compression;
using System.Text.Json;
using CloudMail.Core.TlsReporting;
using MimeKit;

namespace CloudMail.Core.Tests.TlsReporting;

/// <summary>The aggregate report's JSON (RFC 8460 §4.4) and the mail that carries it (§5.3).</summary>
public sealed class TlsReportTests
{
    private static readonly DateOnly Day = new(2026, 12, 3);

    private static TlsReport Report() => new("Example Mail", "postmaster@mail.a.test", "mail.a.test", "b.test", Day,
    [
        new TlsPolicyTally(new TlsReportPolicy(TlsPolicyType.Sts, "b.test", ["version: STSv1", "mode: enforce", "mx: mx.b.test", "max_age: 604800"], ["mx.b.test"]),
            40, 3,
            [
                new TlsFailureCount(new TlsFailureDetail(TlsResultTypes.CertificateExpired, "192.0.2.10", "mx.b.test", "198.51.100.1"), 2),
                new TlsFailureCount(new TlsFailureDetail(TlsResultTypes.ValidationFailure, null, "mx2.b.test", null, "mx-not-in-sts-policy"), 1),
            ]),
        new TlsPolicyTally(TlsReportPolicy.None("b.test"), 5, 0, []),
    ]);

    private static JsonElement Json(TlsReport report) => JsonDocument.Parse(report.ToJson()).RootElement;

    [Fact]
    public void The_report_names_its_organization_contact_range_and_id()
    {
        JsonElement json = Json(Report());

        Assert.Equal("Example Mail", json.GetProperty("organization-name").GetString());
        Assert.Equal("postmaster@mail.a.test", json.GetProperty("contact-info").GetString());
        Assert.Equal("2026-12-03T00:00:00Z", json.GetProperty("date-range").GetProperty("start-datetime").GetString());
        Assert.Equal("2026-12-03T23:59:59Z", json.GetProperty("date-range").GetProperty("end-datetime").GetString());
        Assert.Equal("20261203.b.test@mail.a.test", json.GetProperty("report-id").GetString());
    }

    [Fact]
    public void Each_policy_has_its_summary_and_failure_details()
    {
        JsonElement sts = Json(Report()).GetProperty("policies")[0];

        JsonElement policy = sts.GetProperty("policy");
        Assert.Equal("sts", policy.GetProperty("policy-type").GetString());
        Assert.Equal("b.test", policy.GetProperty("policy-domain").GetString());
        Assert.Equal(["version: STSv1", "mode: enforce", "mx: mx.b.test", "max_age: 604800"], policy.GetProperty("policy-string").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(["mx.b.test"], policy.GetProperty("mx-host").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(40, sts.GetProperty("summary").GetProperty("total-successful-session-count").GetInt64());
        Assert.Equal(3, sts.GetProperty("summary").GetProperty("total-failure-session-count").GetInt64());
        JsonElement[] failures = [.. sts.GetProperty("failure-details").EnumerateArray()];
        Assert.Equal("certificate-expired", failures[0].GetProperty("result-type").GetString());
        Assert.Equal("192.0.2.10", failures[0].GetProperty("sending-mta-ip").GetString());
        Assert.Equal("mx.b.test", failures[0].GetProperty("receiving-mx-hostname").GetString());
        Assert.Equal("198.51.100.1", failures[0].GetProperty("receiving-ip").GetString());
        Assert.Equal(2, failures[0].GetProperty("failed-session-count").GetInt64());
        Assert.Equal("mx-not-in-sts-policy", failures[1].GetProperty("failure-reason-code").GetString());
        Assert.False(failures[1].TryGetProperty("sending-mta-ip", out _));
    }

    [Fact]
    public void A_no_policy_found_policy_has_no_policy_strings_hosts_or_failure_details()
    {
        JsonElement none = Json(Report()).GetProperty("policies")[1];

        Assert.Equal("no-policy-found", none.GetProperty("policy").GetProperty("policy-type").GetString());
        Assert.False(none.GetProperty("policy").TryGetProperty("policy-string", out _));
        Assert.False(none.GetProperty("policy").TryGetProperty("mx-host", out _));
        Assert.False(none.TryGetProperty("failure-details", out _));
        Assert.Equal(5, none.GetProperty("summary").GetProperty("total-successful-session-count").GetInt64());
    }

    [Fact]
    public void Names_are_escaped_as_JSON()
    {
        var report = Report() with { OrganizationName = "Quote \" and \\ backslash" };

        Assert.Equal("Quote \" and \\ backslash", Json(report).GetProperty("organization-name").GetString());
    }

    [Fact]
    public void The_file_name_follows_section_5_1()
    {
        Assert.Equal("mail.a.test!b.test!1796256000!1796342399.json.gz", Report().FileName);
    }

    [Fact]
    public void The_mail_has_the_report_headers_subject_and_gzipped_json()
    {
        TlsReport report = Report();

        using MimeMessage message = TlsReportMessage.Compose(report, "tlsrpt-noreply@mail.a.test", ["tls@b.test"], DateTimeOffset.UnixEpoch);

        Assert.Equal("b.test", message.Headers["TLS-Report-Domain"]);
        Assert.Equal("mail.a.test", message.Headers["TLS-Report-Submitter"]);
        Assert.Equal("Report Domain: b.test Submitter: mail.a.test Report-ID: <20261203.b.test@mail.a.test>", message.Subject);
        Assert.Equal("tls@b.test", Assert.Single(message.To.Mailboxes).Address);
        var body = Assert.IsType<MultipartReport>(message.Body);
        Assert.Equal("tlsrpt", body.ReportType);
        var attachment = Assert.Single(message.Attachments.OfType<MimePart>());
        Assert.Equal("application/tlsrpt+gzip", attachment.ContentType.MimeType);
        Assert.Equal(report.FileName, attachment.FileName);
        using var content = new MemoryStream();
        attachment.Content!.DecodeTo(content);
        content.Position = 0;
        using var gzip = new GZipStream(content, CompressionMode.Decompress);
        using var json = new MemoryStream();
        gzip.CopyTo(json);
        Assert.Equal(report.ToJson(), json.ToArray());
    }
}
