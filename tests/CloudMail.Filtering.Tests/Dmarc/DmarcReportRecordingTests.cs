using CloudMail.Core.Dkim;
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

    private static readonly DkimKey ListKey = DkimKeyGenerator.NewRsaKey("lists.test", "l1", DateTimeOffset.UtcNow);

    private readonly RecordingRecorder _recorder = new();
    private readonly ServiceProvider _services;

    public DmarcReportRecordingTests() => _services = Services(_recorder, []);

    private static ServiceProvider Services(RecordingRecorder recorder, Dictionary<string, string?> settings)
    {
        var dns = new FakeDns()
            .WithTxt("sender.test", "v=spf1 ip4:192.0.2.1 -all")
            .WithTxt("_dmarc.sender.test", "v=DMARC1; p=reject; rua=mailto:agg@sender.test")
            .WithTxt("sel._domainkey.sender.test", TestSigning.KeyRecord)
            .WithTxt("plain.test", "v=spf1 -all")
            .WithTxt("_dmarc.quarantine.test", "v=DMARC1; p=quarantine")
            .WithTxt("_dmarc.sampled.test", "v=DMARC1; p=reject; pct=0")
            .WithTxt(DkimDnsRecord.Name(ListKey), DkimDnsRecord.Text(ListKey));
        var services = new ServiceCollection();
        var configuration = new Dictionary<string, string?>
        {
            ["CloudMail:Filtering:Enabled"] = "true",
            ["CloudMail:Filtering:AuthServId"] = "mx.receiver.test",
            ["CloudMail:Filtering:TrustedArcSealers:0"] = "lists.test",
        };
        foreach (var (key, value) in settings) configuration[key] = value;
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(configuration).Build());
        services.AddLogging();
        services.AddCloudMailFiltering();
        services.Replace(ServiceDescriptor.Singleton<IAuthenticationDns>(dns));
        services.AddSingleton<IDmarcReportRecorder>(recorder);
        return services.BuildServiceProvider();
    }

    public void Dispose() => _services.Dispose();

    private Task<InboundVerdict> CheckAsync(MimeMessage message, string mailFrom = "alice@sender.test", string client = "203.0.113.9") =>
        CheckAsync(TestSigning.Bytes(message), mailFrom, client);

    private Task<InboundVerdict> CheckAsync(byte[] bytes, string mailFrom = "alice@sender.test", string client = "203.0.113.9") =>
        CheckAsync(_services, bytes, mailFrom, client);

    private static Task<InboundVerdict> CheckAsync(ServiceProvider services, byte[] bytes, string mailFrom, string client = "203.0.113.9")
    {
        var envelope = new Envelope(mailFrom, ["bob@receiver.test"], null, client, "mta.example", DateTimeOffset.UtcNow);
        return services.GetRequiredService<IInboundFilter>().CheckAsync(envelope, _ => Task.FromResult<Stream>(new MemoryStream(bytes)), CancellationToken.None);
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

    [Fact]
    public async Task Dmarc_failing_mail_under_p_quarantine_is_filed_in_junk_and_reported_quarantined()
    {
        InboundVerdict verdict = await CheckAsync(TestSigning.NewMessage("eve@quarantine.test"), mailFrom: "eve@quarantine.test");

        Assert.Null(verdict.Reject);
        Assert.True(verdict.Junk);
        Assert.EndsWith("dmarc=fail arc=none (quarantined: Junk)", verdict.Summary, StringComparison.Ordinal);
        DmarcMessageResult r = Assert.Single(_recorder.Results);
        Assert.Equal(DmarcPolicy.Quarantine, r.Disposition);
        Assert.Empty(r.OverrideReasons);
    }

    [Fact]
    public async Task With_quarantine_switched_off_p_quarantine_failures_are_delivered_with_a_local_policy_reason()
    {
        var recorder = new RecordingRecorder();
        using var services = Services(recorder, new() { ["CloudMail:Filtering:QuarantineOnDmarcPolicy"] = "false" });

        InboundVerdict verdict = await CheckAsync(services, TestSigning.Bytes(TestSigning.NewMessage("eve@quarantine.test")), "eve@quarantine.test");

        Assert.False(verdict.Junk);
        DmarcMessageResult r = Assert.Single(recorder.Results);
        Assert.Equal(DmarcPolicy.None, r.Disposition);
        DmarcOverrideReason reason = Assert.Single(r.OverrideReasons);
        Assert.Equal("local_policy", reason.Keyword);
        Assert.Contains("quarantine on DMARC policy is switched off", reason.Comment, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mail_left_out_of_the_pct_sample_is_reported_sampled_out_and_quarantined_instead()
    {
        InboundVerdict verdict = await CheckAsync(TestSigning.NewMessage("eve@sampled.test"), mailFrom: "eve@sampled.test");

        Assert.Null(verdict.Reject); // p=reject, pct=0: quarantine applies (RFC 7489 §6.6.4)
        Assert.True(verdict.Junk);
        DmarcMessageResult r = Assert.Single(_recorder.Results);
        Assert.Equal(DmarcPolicy.Quarantine, r.Disposition);
        Assert.Equal(["sampled_out"], r.OverrideReasons.Select(x => x.Keyword));
    }

    [Fact]
    public async Task A_p_reject_failure_without_an_spf_fail_is_quarantined_with_a_local_policy_reason()
    {
        // The null sender: SPF checks the HELO name, which has no SPF record (none).
        InboundVerdict verdict = await CheckAsync(TestSigning.NewMessage(), mailFrom: "");

        Assert.True(verdict.Junk);
        DmarcMessageResult r = Assert.Single(_recorder.Results);
        Assert.Equal(DmarcPolicy.Quarantine, r.Disposition);
        Assert.Equal("reject applied only when SPF fails too (spf=none)", Assert.Single(r.OverrideReasons).Comment);
    }

    [Fact]
    public async Task A_list_copy_whose_dkim_broke_is_accepted_when_a_trusted_sealers_arc_chain_passes()
    {
        // sender.test signs; lists.test checks it, tags the subject (DKIM breaks) and seals with ARC, as CloudMail's forwards do.
        var message = TestSigning.NewMessage();
        TestSigning.Sign(message);
        message.Headers.Insert(0, new Header("Authentication-Results", "lists.test; spf=pass smtp.mailfrom=sender.test; dkim=pass header.d=sender.test; dmarc=pass; arc=none"));
        message.Subject = "[list] " + message.Subject;
        using var crlf = new MemoryStream();
        message.WriteTo(new FormatOptions { NewLineFormat = NewLineFormat.Dos }, crlf); // as stored and sent: CRLF
        byte[] listed = crlf.ToArray();
        var keys = new CloudMail.Core.Tests.Dkim.InMemoryDkimKeyStore();
        await keys.AddAsync(ListKey, default);
        string? seal = await new ArcForwardSealer(keys, TimeProvider.System, "lists.test").SealAsync(new MemoryStream(listed), "lists.test", default);
        Assert.NotNull(seal);

        InboundVerdict verdict = await CheckAsync([.. System.Text.Encoding.ASCII.GetBytes(seal), .. listed]);

        Assert.Null(verdict.Reject); // SPF fail, DKIM fail, p=reject: refused but for the trusted chain
        Assert.False(verdict.Junk);
        DmarcMessageResult r = Assert.Single(_recorder.Results);
        Assert.Equal((DmarcPolicy.None, false, false), (r.Disposition, r.DkimAligned, r.SpfAligned));
        DmarcOverrideReason reason = Assert.Single(r.OverrideReasons);
        Assert.Equal(("trusted_forwarder", "arc=pass as[1].d=lists.test as[1].s=l1"), (reason.Keyword, reason.Comment));
    }
}
