using CloudMail.Core.Dmarc;
using CloudMail.Core.DmarcReporting;
using CloudMail.Core.Filtering;
using CloudMail.Core.Messages;
using CloudMail.Filtering.Dns;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MimeKit;

namespace CloudMail.Filtering.Tests.Dmarc;

/// <summary>
/// The authentication filter counts each message a DMARC record was applied to for the aggregate reports (RFC 7489
/// §7.2), with what the report says about it: the client address, identifiers, disposition applied, aligned results and
/// raw DKIM and SPF results. sender.test publishes SPF for 192.0.2.1 only, p=reject and the DKIM key "sel".
/// </summary>
public sealed class DmarcReportRecordingTests : IDisposable
{
    private sealed class RecordingRecorder : IDmarcReportRecorder
    {
        public List<DmarcMessageResult> Results { get; } = [];

        public Task RecordAsync(DmarcMessageResult result, CancellationToken cancellationToken)
        {
            Results.Add(result);
            return Task.CompletedTask;
        }
    }

    private readonly RecordingRecorder _recorder = new();
    private readonly ServiceProvider _services;

    public DmarcReportRecordingTests()
    {
        var dns = new FakeDns()
            .WithTxt("sender.test", "v=spf1 ip4:192.0.2.1 -all")
            .WithTxt("_dmarc.sender.test", "v=DMARC1; p=reject; rua=mailto:agg@sender.test")
            .WithTxt("sel._domainkey.sender.test", TestSigning.KeyRecord)
            .WithTxt("plain.test", "v=spf1 -all");
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CloudMail:Filtering:Enabled"] = "true",
            ["CloudMail:Filtering:AuthServId"] = "mx.receiver.test",
        }).Build());
        services.AddLogging();
        services.AddCloudMailFiltering();
        services.Replace(ServiceDescriptor.Singleton<IAuthenticationDns>(dns));
        services.AddSingleton<IDmarcReportRecorder>(_recorder);
        _services = services.BuildServiceProvider();
    }

    public void Dispose() => _services.Dispose();

    private Task<InboundVerdict> CheckAsync(MimeMessage message, string mailFrom = "alice@sender.test", string client = "203.0.113.9")
    {
        byte[] bytes = TestSigning.Bytes(message);
        var envelope = new Envelope(mailFrom, ["bob@receiver.test"], null, client, "mta.example", DateTimeOffset.UtcNow);
        return _services.GetRequiredService<IInboundFilter>().CheckAsync(envelope, _ => Task.FromResult<Stream>(new MemoryStream(bytes)), CancellationToken.None);
    }

    [Fact]
    public async Task A_message_passing_by_aligned_dkim_is_counted_with_disposition_none_and_its_raw_results()
    {
        var message = TestSigning.NewMessage();
        TestSigning.Sign(message);

        InboundVerdict verdict = await CheckAsync(message);

        Assert.Null(verdict.Reject);
        DmarcMessageResult r = Assert.Single(_recorder.Results);
        Assert.Equal(("sender.test", "203.0.113.9", "sender.test", "sender.test"), (r.PolicyDomain, r.SourceIp, r.HeaderFrom, r.EnvelopeFrom));
        Assert.Equal((DmarcPolicy.None, true, false), (r.Disposition, r.DkimAligned, r.SpfAligned));
        Assert.Equal([new DmarcDkimResult("sender.test", "sel", "pass")], r.Dkim);
        Assert.Equal(new DmarcSpfResult("sender.test", "mfrom", "fail"), r.Spf);
    }

    [Fact]
    public async Task A_message_refused_under_p_reject_is_counted_with_disposition_reject()
    {
        InboundVerdict verdict = await CheckAsync(TestSigning.NewMessage());

        Assert.NotNull(verdict.Reject);
        DmarcMessageResult r = Assert.Single(_recorder.Results);
        Assert.Equal((DmarcPolicy.Reject, false, false), (r.Disposition, r.DkimAligned, r.SpfAligned));
        Assert.Empty(r.Dkim);
    }

    [Fact]
    public async Task Spf_aligned_mail_from_the_authorised_address_of_a_subdomain_counts_under_the_organizational_record()
    {
        await CheckAsync(TestSigning.NewMessage("carol@news.sender.test"), mailFrom: "bounce@sender.test", client: "192.0.2.1");

        DmarcMessageResult r = Assert.Single(_recorder.Results);
        Assert.Equal(("sender.test", "news.sender.test", "192.0.2.1"), (r.PolicyDomain, r.HeaderFrom, r.SourceIp));
        Assert.Equal((DmarcPolicy.None, false, true), (r.Disposition, r.DkimAligned, r.SpfAligned));
        Assert.Equal(new DmarcSpfResult("sender.test", "mfrom", "pass"), r.Spf);
    }

    [Fact]
    public async Task The_null_sender_is_counted_with_the_helo_scope_and_an_empty_envelope_from()
    {
        await CheckAsync(TestSigning.NewMessage(), mailFrom: "");

        DmarcMessageResult r = Assert.Single(_recorder.Results);
        Assert.Equal(("", "helo", "mta.example"), (r.EnvelopeFrom, r.Spf.Scope, r.Spf.Domain));
    }

    [Fact]
    public async Task Mail_from_a_domain_without_a_dmarc_record_is_not_counted()
    {
        await CheckAsync(TestSigning.NewMessage("dave@plain.test"), mailFrom: "dave@plain.test");

        Assert.Empty(_recorder.Results);
    }
}
