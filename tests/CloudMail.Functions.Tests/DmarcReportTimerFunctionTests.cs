using CloudMail.Core.Dmarc;
using CloudMail.Core.DmarcReporting;
using CloudMail.Core.Queue;
using CloudMail.Functions.Tests.Support;
using CloudMail.Functions.Triggers;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CloudMail.Functions.Tests;

/// <summary>
/// The hourly DMARC report timer as the Functions app wires it (over the embedded backend): the previous day's counts of
/// a policy domain whose record names a rua= address become one report mail on the inbound queue, sent once. The DNS
/// look-ups are replaced (they are tested with dnsmasq in CloudMail.Filtering.Tests).
/// </summary>
public sealed class DmarcReportTimerFunctionTests : IAsyncLifetime
{
    private sealed class FixedDns : IDmarcReportDns
    {
        public Task<DmarcPolicyLookup> PolicyAsync(string domain, CancellationToken cancellationToken) =>
            Task.FromResult(new DmarcPolicyLookup(DmarcRecord.Parse(domain == "reported.test" ? "v=DMARC1; p=none; rua=mailto:agg@reported.test" : "v=DMARC1; p=none")));

        public Task<bool?> AcceptsReportsAsync(string policyDomain, string destinationDomain, CancellationToken cancellationToken) =>
            Task.FromResult<bool?>(true);
    }

    private FunctionsHarness _h = null!;

    public async Task InitializeAsync() => _h = await FunctionsHarness.StartAsync(
        new Dictionary<string, string?>
        {
            ["CloudMail:DmarcReports:Enabled"] = "true",
            ["CloudMail:DmarcReports:SendHourUtc"] = "0",
            ["CloudMail:DmarcReports:From"] = "dmarc@mail.example.test",
        },
        services =>
        {
            services.RemoveAll<IDmarcReportDns>();
            services.AddSingleton<IDmarcReportDns, FixedDns>();
            services.AddSingleton<DmarcReportTimerFunction>();
        });

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private Task RunTimerAsync() => _h.Get<DmarcReportTimerFunction>().RunAsync(new TimerInfo(), CancellationToken.None);

    private static DmarcMessageResult Result(string domain) => new(domain, "192.0.2.1", domain, domain, DmarcPolicy.None, true, true, [],
        new DmarcSpfResult(domain, "mfrom", "pass"));

    [Fact]
    public async Task Yesterdays_counts_go_out_once_as_a_report_on_the_inbound_queue()
    {
        var yesterday = DateOnly.FromDateTime(_h.Clock.GetUtcNow().UtcDateTime).AddDays(-1);
        var store = _h.Get<IDmarcReportStore>();
        await store.RecordAsync(yesterday, Result("reported.test"), CancellationToken.None);
        await store.RecordAsync(yesterday, Result("silent.test"), CancellationToken.None);

        await RunTimerAsync();

        MailJob job = Assert.Single(await _h.TakeVisibleAsync(QueueNames.Inbound));
        Assert.Equal(["agg@reported.test"], job.Envelope.Recipients);
        Assert.Equal("", job.Envelope.MailFrom);
        Assert.Empty(await store.UnsentDomainsAsync(yesterday, CancellationToken.None));

        await RunTimerAsync();
        Assert.Empty(await _h.TakeVisibleAsync(QueueNames.Inbound));
    }
}
