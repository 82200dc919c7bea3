using System.IO.Compression;
using System.Xml.Linq;
using CloudMail.Core.Delivery;
using CloudMail.Core.DmarcReporting;
using CloudMail.Core.Reporting;
using CloudMail.Delivery;
using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Infrastructure;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace CloudMail.Filtering.Tests.EndToEnd;

/// <summary>
/// DMARC aggregate reports end to end over real parts: the embedded server checks port-25 mail from sender.test
/// (SPF for 192.0.2.1 only, DKIM key "sel", p=reject) against a real dnsmasq, counts each evaluated message, and the
/// daily job sends the report through its own outbound path to an smtp-sink at <see cref="SinkAddress"/>:25, the MX of
/// reports.test. sender.test's rua= names three destinations: agg@reports.test (authorized by
/// <c>sender.test._report._dmarc.reports.test</c>), small@reports.test (a 1-byte limit, too small) and
/// noauth@elsewhere.test (no authorization record): only the first gets the report.
/// </summary>
public sealed class DmarcReportDeliveryTests : IAsyncLifetime
{
    private const string SinkAddress = "127.0.0.43";
    private const string Bob = "bob@" + TestServer.Domain;

    private DnsmasqProcess _dns = null!;
    private SmtpSinkProcess _sink = null!;
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        _sink = await SmtpSinkProcess.StartAsync(SinkAddress, 25);
        _dns = await DnsmasqProcess.StartAsync(
            DnsmasqProcess.Txt("sender.test", "v=spf1 ip4:192.0.2.1 -all"),
            DnsmasqProcess.TxtWithCommas("_dmarc.sender.test", "v=DMARC1; p=reject; rua=mailto:agg@reports.test,mailto:small@reports.test!1,mailto:noauth@elsewhere.test"),
            DnsmasqProcess.Txt("sel._domainkey.sender.test", TestSigning.KeyRecordStrings),
            DnsmasqProcess.Txt("sender.test._report._dmarc.reports.test", "v=DMARC1"),
            DnsmasqProcess.Mx("reports.test", "mx.reports.test"), DnsmasqProcess.Host("mx.reports.test", SinkAddress),
            DnsmasqProcess.Mx("elsewhere.test", "mx.elsewhere.test"), DnsmasqProcess.Host("mx.elsewhere.test", SinkAddress));
        _server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["CloudMail:Dns:Servers:0"] = _dns.Endpoint,
            ["CloudMail:Dns:Timeout"] = "00:00:02",
            ["CloudMail:Filtering:Enabled"] = "true",
            ["CloudMail:Filtering:AuthServId"] = "mx.receiver.test",
            ["CloudMail:Pipeline:PollInterval"] = "00:00:00.100",
            ["CloudMail:Delivery:ConnectTimeout"] = "00:00:05",
            ["CloudMail:DmarcReports:Enabled"] = "true",
            ["CloudMail:DmarcReports:OrgName"] = "Example Receiver",
            ["CloudMail:DmarcReports:From"] = "dmarc-reports@example.test",
        }, services: s => s.AddSingleton<IOutboundTransport>(sp => new SmtpOutboundTransport(sp.GetRequiredService<MxResolver>(),
            sp.GetRequiredService<IOptions<DeliveryOptions>>(), sp.GetRequiredService<ILogger<SmtpOutboundTransport>>())));
        await _server.AddUserAsync(Bob, "bob-password-1");
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _dns.DisposeAsync();
        await _sink.DisposeAsync();
    }

    private async Task<bool> SendAsync(bool signed)
    {
        var message = TestSigning.NewMessage();
        message.To.Clear();
        message.To.Add(MailboxAddress.Parse(Bob));
        if (signed) TestSigning.Sign(message);
        using var smtp = new SmtpClient();
        await smtp.ConnectAsync("127.0.0.1", _server.Port(EndpointKind.Smtp), SecureSocketOptions.None);
        try
        {
            await smtp.SendAsync(message);
            return true;
        }
        catch (SmtpCommandException e) when ((int)e.StatusCode == 550)
        {
            return false;
        }
    }

    [Fact]
    public async Task The_days_results_reach_the_authorized_rua_address_as_a_gzipped_aggregate_report()
    {
        Assert.True(await SendAsync(signed: true));
        Assert.True(await SendAsync(signed: true));
        Assert.False(await SendAsync(signed: false)); // SPF fail, DMARC fail under p=reject: refused in the session, and counted
        var day = DateOnly.FromDateTime(DateTime.UtcNow);

        ReportRun run = await _server.Get<DmarcReportSender>().SendDayAsync(day, CancellationToken.None);

        Assert.Equal(new ReportRun(Sent: 1, WithoutPolicy: 0, Deferred: 0), run);
        SinkMessage received = await _sink.WaitForMessageAsync("Report Domain: sender.test", TimeSpan.FromSeconds(30));
        Assert.Equal(["<agg@reports.test>"], received.RcptArgs.Select(r => r.Split(' ')[0]));
        Assert.StartsWith("<>", received.MailArgs, StringComparison.Ordinal);
        MimeMessage report = MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(received.Content)));
        Assert.Equal("Report Domain: sender.test Submitter: example.test Report-ID: <" + day.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture)
            + ".sender.test@example.test>", report.Subject);
        Assert.Equal("dmarc-reports@example.test", report.From.Mailboxes.Single().Address);
        MimePart attachment = Assert.Single(report.Attachments.OfType<MimePart>());
        Assert.Equal("application/gzip", attachment.ContentType.MimeType);
        Assert.StartsWith("example.test!sender.test!", attachment.FileName, StringComparison.Ordinal);
        Assert.EndsWith(".xml.gz", attachment.FileName, StringComparison.Ordinal);

        XElement feedback = Unzip(attachment);
        Assert.Equal("Example Receiver", feedback.Element("report_metadata")!.Element("org_name")!.Value);
        Assert.Equal("reject", feedback.Element("policy_published")!.Element("p")!.Value);
        var rows = feedback.Elements("record").Select(r => r.Element("row")!).ToList();
        Assert.All(rows, r => Assert.Equal("127.0.0.1", r.Element("source_ip")!.Value));
        XElement passed = Assert.Single(rows, r => r.Element("policy_evaluated")!.Element("dkim")!.Value == "pass");
        Assert.Equal(("2", "none"), (passed.Element("count")!.Value, passed.Element("policy_evaluated")!.Element("disposition")!.Value));
        XElement rejected = Assert.Single(rows, r => r.Element("policy_evaluated")!.Element("dkim")!.Value == "fail");
        Assert.Equal(("1", "reject", "fail"), (rejected.Element("count")!.Value, rejected.Element("policy_evaluated")!.Element("disposition")!.Value,
            rejected.Element("policy_evaluated")!.Element("spf")!.Value));

        // Marked sent: a second run of the same day sends nothing.
        Assert.Equal(new ReportRun(0, 0, 0), await _server.Get<DmarcReportSender>().SendDayAsync(day, CancellationToken.None));
    }

    private static XElement Unzip(MimePart attachment)
    {
        using var gzipped = new MemoryStream();
        attachment.Content!.DecodeTo(gzipped);
        gzipped.Position = 0;
        using var xml = new GZipStream(gzipped, CompressionMode.Decompress);
        return XDocument.Load(xml).Root!;
    }
}
