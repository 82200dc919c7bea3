using System.IO.Compression;
using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;
using CloudMail.Core.Dmarc;
using CloudMail.Core.DmarcReporting;
using CloudMail.Core.Reporting;
using MimeKit;

namespace CloudMail.Core.Tests.DmarcReporting;

/// <summary>
/// The aggregate report's XML (RFC 7489 §7.2, validated against the Appendix C schema) and the mail that carries it
/// (§7.2.1.1).
/// </summary>
public sealed class DmarcAggregateReportTests
{
    private static readonly DateOnly Day = new(2026, 12, 3);

    private static readonly DmarcMessageResult Passing = new("sender.test", "192.0.2.1", "sender.test", "bounces.sender.test", DmarcPolicy.None,
        DkimAligned: true, SpfAligned: true, [new DmarcDkimResult("sender.test", "sel", "pass"), new DmarcDkimResult("esp.test", "", "fail")],
        new DmarcSpfResult("bounces.sender.test", "mfrom", "pass"));

    private static readonly DmarcMessageResult Rejected = new("sender.test", "2001:db8::25", "sender.test", "", DmarcPolicy.Reject,
        DkimAligned: false, SpfAligned: false, [], new DmarcSpfResult("helo.example", "helo", "fail"));

    private static DmarcAggregateReport Report() => new("Receiver Org", "dmarc@receiver.test", "receiver.test", "sender.test",
        DmarcRecord.Parse("v=DMARC1; p=reject; sp=quarantine; adkim=s; pct=50; fo=1; rua=mailto:agg@sender.test")!, Day,
        [new DmarcResultCount(Passing, 12), new DmarcResultCount(Rejected, 3)]);

    private static XmlSchemaSet Schema()
    {
        using Stream xsd = typeof(DmarcAggregateReportTests).Assembly.GetManifestResourceStream("rfc7489-dmarc-aggregate.xsd")!;
        var set = new XmlSchemaSet();
        set.Add(null, XmlReader.Create(xsd));
        set.Compile();
        return set;
    }

    private static List<string> Validate(byte[] xml)
    {
        var problems = new List<string>();
        var settings = new XmlReaderSettings { ValidationType = ValidationType.Schema, Schemas = Schema() };
        settings.ValidationFlags |= XmlSchemaValidationFlags.ReportValidationWarnings;
        settings.ValidationEventHandler += (_, e) => problems.Add($"{e.Severity}: {e.Message}");
        using var reader = XmlReader.Create(new MemoryStream(xml), settings);
        while (reader.Read())
        {
        }
        return problems;
    }

    [Fact]
    public void The_xml_is_valid_against_the_rfc_7489_appendix_c_schema()
    {
        Assert.Empty(Validate(Report().ToXml()));
    }

    [Fact]
    public void Override_reasons_follow_the_evaluated_policy_and_keep_the_xml_valid()
    {
        var sampled = Rejected with
        {
            SourceIp = "192.0.2.7",
            Disposition = DmarcPolicy.None,
            Reasons = [new DmarcOverrideReason(DmarcOverride.SampledOut, "not in the pct= sample"), new DmarcOverrideReason(DmarcOverride.LocalPolicy, "quarantine is not applied")],
        };
        var forwarded = Rejected with { SourceIp = "192.0.2.8", Disposition = DmarcPolicy.None, Reasons = [new DmarcOverrideReason(DmarcOverride.TrustedForwarder)] };
        var report = new DmarcAggregateReport("Receiver Org", "dmarc@receiver.test", "receiver.test", "sender.test",
            DmarcRecord.Parse("v=DMARC1; p=reject; pct=50")!, Day, [new DmarcResultCount(sampled, 2), new DmarcResultCount(forwarded, 1)]);

        byte[] xml = report.ToXml();

        Assert.Empty(Validate(xml));
        var evaluated = XDocument.Load(new MemoryStream(xml)).Root!.Elements("record").Select(r => r.Element("row")!.Element("policy_evaluated")!).ToList();
        Assert.Equal(["none", "fail", "fail", "sampled_out", "not in the pct= sample", "local_policy", "quarantine is not applied"],
            evaluated[0].Descendants().Where(e => !e.HasElements).Select(e => e.Value));
        XElement reason = Assert.Single(evaluated[1].Elements("reason"));
        Assert.Equal(["trusted_forwarder"], reason.Elements().Select(e => e.Value)); // no comment: the element is left out
        Assert.NotEqual((sampled with { Reasons = null }).Key, sampled.Key); // rows with reasons are counted apart
    }

    [Fact]
    public void The_schema_check_catches_a_report_that_breaks_it()
    {
        XDocument doc = XDocument.Load(new MemoryStream(Report().ToXml()));
        doc.Root!.Element("policy_published")!.Element("fo")!.Remove();
        doc.Root!.Descendants("disposition").First().Value = "discard";
        using var bytes = new MemoryStream();
        doc.Save(bytes);

        Assert.Equal(2, Validate(bytes.ToArray()).Count);
    }

    [Fact]
    public void The_xml_says_who_reports_what_was_published_and_how_many_messages_had_each_result()
    {
        XElement feedback = XDocument.Load(new MemoryStream(Report().ToXml())).Root!;

        XElement meta = feedback.Element("report_metadata")!;
        Assert.Equal(("Receiver Org", "dmarc@receiver.test", "20261203.sender.test@receiver.test"),
            (meta.Element("org_name")!.Value, meta.Element("email")!.Value, meta.Element("report_id")!.Value));
        Assert.Equal(("1796256000", "1796342399"), (meta.Element("date_range")!.Element("begin")!.Value, meta.Element("date_range")!.Element("end")!.Value));
        XElement policy = feedback.Element("policy_published")!;
        Assert.Equal(["sender.test", "s", "r", "reject", "quarantine", "50", "1"], policy.Elements().Select(e => e.Value));
        var records = feedback.Elements("record").ToList();
        Assert.Equal(2, records.Count);
        XElement first = records[0];
        Assert.Equal("192.0.2.1", first.Element("row")!.Element("source_ip")!.Value);
        Assert.Equal("12", first.Element("row")!.Element("count")!.Value);
        Assert.Equal(["none", "pass", "pass"], first.Element("row")!.Element("policy_evaluated")!.Elements().Select(e => e.Value));
        Assert.Equal(["bounces.sender.test", "sender.test"], first.Element("identifiers")!.Elements().Select(e => e.Value));
        var dkim = first.Element("auth_results")!.Elements("dkim").ToList();
        Assert.Equal(["sender.test", "sel", "pass"], dkim[0].Elements().Select(e => e.Value));
        Assert.Equal(["esp.test", "fail"], dkim[1].Elements().Select(e => e.Value)); // no selector: the element is left out
        Assert.Equal(["bounces.sender.test", "mfrom", "pass"], first.Element("auth_results")!.Element("spf")!.Elements().Select(e => e.Value));
        XElement second = records[1];
        Assert.Equal("2001:0db8:0000:0000:0000:0000:0000:0025", second.Element("row")!.Element("source_ip")!.Value);
        Assert.Equal(["reject", "fail", "fail"], second.Element("row")!.Element("policy_evaluated")!.Elements().Select(e => e.Value));
        Assert.Equal("", second.Element("identifiers")!.Element("envelope_from")!.Value);
        Assert.Empty(second.Element("auth_results")!.Elements("dkim"));
    }

    [Theory]
    [InlineData("192.0.2.1", "192.0.2.1")]
    [InlineData("::ffff:198.51.100.4", "198.51.100.4")]
    [InlineData("2001:db8::1", "2001:0db8:0000:0000:0000:0000:0000:0001")]
    [InlineData("not-an-address", "not-an-address")]
    public void Source_addresses_are_written_as_the_schema_pattern_accepts_them(string address, string written) =>
        Assert.Equal(written, DmarcAggregateReport.SourceIp(address));

    [Fact]
    public void The_file_name_is_receiver_policy_domain_begin_and_end()
    {
        Assert.Equal("receiver.test!sender.test!1796256000!1796342399.xml.gz", Report().FileName);
    }

    [Fact]
    public void The_mail_has_the_rfc_subject_and_the_gzipped_xml_attached()
    {
        DmarcAggregateReport report = Report();
        byte[] xml = report.ToXml();
        var now = new DateTimeOffset(2026, 12, 4, 1, 5, 0, TimeSpan.Zero);

        MimeMessage message = DmarcReportMessage.Compose(report, ReportMail.Gzip(xml), "dmarc@receiver.test", ["agg@sender.test"], now);

        Assert.Equal("Report Domain: sender.test Submitter: receiver.test Report-ID: <20261203.sender.test@receiver.test>", message.Subject);
        Assert.Equal("dmarc@receiver.test", message.From.Mailboxes.Single().Address);
        Assert.Equal(["agg@sender.test"], message.To.Mailboxes.Select(m => m.Address));
        Assert.Equal("auto-generated", message.Headers["Auto-Submitted"]);
        Assert.Equal(now, message.Date);
        MimePart attachment = Assert.Single(message.Attachments.OfType<MimePart>());
        Assert.Equal(DmarcReportMessage.MediaType, attachment.ContentType.MimeType);
        Assert.Equal(report.FileName, attachment.FileName);
        using var content = new MemoryStream();
        attachment.Content!.DecodeTo(content);
        content.Position = 0;
        using var gzip = new GZipStream(content, CompressionMode.Decompress);
        using var unzipped = new MemoryStream();
        gzip.CopyTo(unzipped);
        Assert.Equal(xml, unzipped.ToArray());
    }
}
