using System.IO.Compression;
using System.Text.Json;
using CloudMail.Core.Delivery;
using CloudMail.Core.Queue;
using CloudMail.Core.Reporting;
using CloudMail.Core.TlsReporting;
using CloudMail.Delivery.TlsReporting;
using CloudMail.Storage.Embedded;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MimeKit;

namespace CloudMail.Delivery.Tests.TlsReporting;

/// <summary>
/// TLS reporting end to end over real parts: deliveries to a Postfix with STARTTLS (127.0.0.35) and to an smtp-sink
/// without it (127.0.0.36), found through a real dnsmasq that also serves the domains' <c>_smtp._tls</c> records; the
/// transport counts each session in the embedded store; the daily job builds each report and hands it to the accept path
/// (the inbound queue), from where routing sends it out. What the reports say is read back from the queued mail.
/// </summary>
public sealed class TlsReportDeliveryTests : IAsyncLifetime
{
    private const string PostfixAddress = "127.0.0.35";
    private const string SinkAddress = "127.0.0.36";
    private readonly string _folder = System.IO.Directory.CreateTempSubdirectory("cloudmail-tlsrpt-").FullName;
    private DnsmasqProcess _dns = null!;
    private PostfixInstance _postfix = null!;
    private SmtpSinkProcess _sink = null!;
    private EmbeddedStorage _storage = null!;

    public async Task InitializeAsync()
    {
        _dns = await DnsmasqProcess.StartAsync(
            DnsmasqProcess.Mx("secure.test", "mx.secure.test"), DnsmasqProcess.Host("mx.secure.test", PostfixAddress),
            DnsmasqProcess.Mx("plain.test", "mx.plain.test"), DnsmasqProcess.Host("mx.plain.test", SinkAddress),
            DnsmasqProcess.Mx("quiet.test", "mx.quiet.test"), DnsmasqProcess.Host("mx.quiet.test", PostfixAddress),
            DnsmasqProcess.Txt("_smtp._tls.secure.test", "v=TLSRPTv1; rua=mailto:tls-reports@reports.test"),
            // Two strings of one record, joined before parsing (RFC 8460 §3).
            DnsmasqProcess.Txt("_smtp._tls.plain.test", "v=TLSRPTv1;rua=mailto:tlsrpt@", "reports.test"),
            DnsmasqProcess.Txt("_smtp._tls.quiet.test", "v=spf1 -all"));
        _postfix = await PostfixInstance.StartAsync(PostfixAddress, "secure.test", startTls: true, extraMainCf: "virtual_mailbox_domains = secure.test quiet.test");
        _sink = await SmtpSinkProcess.StartAsync(SinkAddress, 25);
        _storage = EmbeddedStorage.Open(_folder);
    }

    public async Task DisposeAsync()
    {
        _storage?.Dispose();
        if (_sink is not null) await _sink.DisposeAsync();
        if (_postfix is not null) await _postfix.DisposeAsync();
        if (_dns is not null) await _dns.DisposeAsync();
        System.IO.Directory.Delete(_folder, recursive: true);
    }

    private DnsClient.ILookupClient Dns() => DnsServiceCollectionExtensions.CreateLookupClient(new DnsOptions { Servers = [_dns.Endpoint] });

    private SmtpOutboundTransport Transport(IOptions<DeliveryOptions> delivery) =>
        new(new MxResolver(Dns()), delivery, NullLogger<SmtpOutboundTransport>.Instance)
        {
            TlsReports = new TlsSessionRecorder(_storage.TlsReports, Options.Create(new TlsReportingOptions()), TimeProvider.System, NullLogger<TlsSessionRecorder>.Instance),
        };

    private static Func<CancellationToken, Task<Stream>> Message(string to) => _ => Task.FromResult<Stream>(new MemoryStream(System.Text.Encoding.ASCII.GetBytes(
        $"From: alice@a.test\r\nTo: {to}\r\nSubject: tlsrpt\r\nMessage-ID: <{Guid.NewGuid():N}@a.test>\r\n\r\nHello.\r\n")));

    private static OutboundEnvelope Envelope(string recipient) =>
        new(recipient.Split('@')[1], "alice@a.test", [new OutboundRecipient(recipient)]);

    [Fact]
    public async Task Sessions_are_counted_and_each_domain_with_a_reporting_policy_gets_its_report_through_the_outbound_path()
    {
        // One connection per message, so that the two deliveries to secure.test are two TLS sessions (a reused connection is one).
        var delivery = Options.Create(new DeliveryOptions
        {
            HeloName = "mail.a.test", ConnectTimeout = TimeSpan.FromSeconds(5), CommandTimeout = TimeSpan.FromSeconds(20), MaxMessagesPerConnection = 1,
        });
        SmtpOutboundTransport transport = Transport(delivery);
        foreach (string to in new[] { "carol@secure.test", "dave@secure.test", "erin@plain.test", "frank@quiet.test" })
            Assert.Equal(RecipientOutcome.Delivered, Assert.Single(await transport.DeliverAsync(Envelope(to), Message(to), CancellationToken.None)).Outcome);
        var day = DateOnly.FromDateTime(DateTime.UtcNow);
        var sender = new TlsReportSender(_storage.TlsReports, new DnsTlsRptRecordLookup(Dns()), _storage.Blobs, _storage.Queue,
            new BounceSubmitter(_storage.Blobs, _storage.Queue, delivery, TimeProvider.System),
            Options.Create(new TlsReportingOptions { OrganizationName = "A Test Mail", ContactInfo = "tls@a.test" }), TimeProvider.System,
            NullLogger<TlsReportSender>.Instance);

        ReportRun run = await sender.SendDayAsync(day, CancellationToken.None);

        Assert.Equal(new ReportRun(Sent: 2, WithoutPolicy: 1, Deferred: 0), run);
        var jobs = (await _storage.Queue.LeaseAsync(QueueNames.Inbound, 10, TimeSpan.FromMinutes(5), CancellationToken.None)).Select(l => l.Job).ToList();
        Assert.Equal(2, jobs.Count);
        Assert.All(jobs, job => Assert.Equal(("", "MAILER-DAEMON@mail.a.test"), (job.Envelope.MailFrom, job.Envelope.AuthenticatedUser)));

        var secure = await ReportAsync(jobs.Single(j => j.Envelope.Recipients.SequenceEqual(["tls-reports@reports.test"])));
        Assert.Equal("secure.test", secure.Message.Headers["TLS-Report-Domain"]);
        Assert.Equal("mail.a.test", secure.Message.Headers["TLS-Report-Submitter"]);
        Assert.StartsWith("Report Domain: secure.test Submitter: mail.a.test Report-ID: <", secure.Message.Subject, StringComparison.Ordinal);
        Assert.Equal("A Test Mail", secure.Json.GetProperty("organization-name").GetString());
        Assert.Equal("tls@a.test", secure.Json.GetProperty("contact-info").GetString());
        JsonElement securePolicy = Assert.Single(secure.Json.GetProperty("policies").EnumerateArray());
        Assert.Equal("no-policy-found", securePolicy.GetProperty("policy").GetProperty("policy-type").GetString());
        Assert.Equal("secure.test", securePolicy.GetProperty("policy").GetProperty("policy-domain").GetString());
        Assert.Equal(2, securePolicy.GetProperty("summary").GetProperty("total-successful-session-count").GetInt64());
        Assert.Equal(0, securePolicy.GetProperty("summary").GetProperty("total-failure-session-count").GetInt64());

        var plain = await ReportAsync(jobs.Single(j => j.Envelope.Recipients.SequenceEqual(["tlsrpt@reports.test"])));
        JsonElement plainPolicy = Assert.Single(plain.Json.GetProperty("policies").EnumerateArray());
        Assert.Equal(0, plainPolicy.GetProperty("summary").GetProperty("total-successful-session-count").GetInt64());
        Assert.Equal(1, plainPolicy.GetProperty("summary").GetProperty("total-failure-session-count").GetInt64());
        JsonElement failure = Assert.Single(plainPolicy.GetProperty("failure-details").EnumerateArray());
        Assert.Equal("starttls-not-supported", failure.GetProperty("result-type").GetString());
        Assert.Equal("mx.plain.test", failure.GetProperty("receiving-mx-hostname").GetString());
        Assert.Equal(SinkAddress, failure.GetProperty("receiving-ip").GetString());
        Assert.Equal("127.0.0.1", failure.GetProperty("sending-mta-ip").GetString());
        Assert.Equal(1, failure.GetProperty("failed-session-count").GetInt64());

        // Marked sent: a second run of the same day sends nothing.
        Assert.Equal(new ReportRun(0, 0, 0), await sender.SendDayAsync(day, CancellationToken.None));
    }

    private async Task<(MimeMessage Message, JsonElement Json)> ReportAsync(MailJob job)
    {
        await using Stream blob = await _storage.Blobs.OpenReadAsync(job.Blob.Id, CancellationToken.None);
        MimeMessage message = await MimeMessage.LoadAsync(blob);
        var attachment = Assert.Single(message.Attachments.OfType<MimePart>());
        Assert.Equal(TlsReportMessage.MediaType, attachment.ContentType.MimeType);
        using var gzip = new MemoryStream();
        await attachment.Content!.DecodeToAsync(gzip);
        gzip.Position = 0;
        await using var json = new GZipStream(gzip, CompressionMode.Decompress);
        using JsonDocument document = await JsonDocument.ParseAsync(json);
        return (message, document.RootElement.Clone());
    }
}
