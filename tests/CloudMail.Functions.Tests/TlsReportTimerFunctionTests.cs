using CloudMail.Core.Queue;
using CloudMail.Core.TlsReporting;
using CloudMail.Functions.Tests.Support;
using CloudMail.Functions.Triggers;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CloudMail.Functions.Tests;

/// <summary>
/// The hourly TLS report timer as the Functions app wires it (over the embedded backend): the previous day's counts of a
/// domain that publishes a reporting policy become one report mail on the inbound queue, sent once. The record lookup is
/// replaced (DNS is tested with dnsmasq in CloudMail.Delivery.Tests).
/// </summary>
public sealed class TlsReportTimerFunctionTests : IAsyncLifetime
{
    private sealed class FixedLookup : ITlsRptRecordLookup
    {
        public Task<TlsRptLookup> LookupAsync(string domain, CancellationToken cancellationToken) =>
            Task.FromResult(new TlsRptLookup(domain == "reported.test" ? TlsRptRecord.Parse("v=TLSRPTv1; rua=mailto:tls@reported.test") : null));
    }

    private FunctionsHarness _h = null!;

    public async Task InitializeAsync() => _h = await FunctionsHarness.StartAsync(
        new Dictionary<string, string?> { ["CloudMail:TlsReporting:SendHourUtc"] = "0", ["CloudMail:TlsReporting:SubmitterDomain"] = "mail.example.test" },
        services =>
        {
            services.RemoveAll<ITlsRptRecordLookup>();
            services.AddSingleton<ITlsRptRecordLookup, FixedLookup>();
            services.AddSingleton<TlsReportTimerFunction>();
        });

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private Task RunTimerAsync() => _h.Get<TlsReportTimerFunction>().RunAsync(new TimerInfo(), CancellationToken.None);

    [Fact]
    public async Task Yesterdays_counts_go_out_once_as_a_report_on_the_inbound_queue()
    {
        var yesterday = DateOnly.FromDateTime(_h.Clock.GetUtcNow().UtcDateTime).AddDays(-1);
        var store = _h.Get<ITlsReportStore>();
        await store.RecordAsync(yesterday, new TlsSessionResult(TlsReportPolicy.None("reported.test")), CancellationToken.None);
        await store.RecordAsync(yesterday, new TlsSessionResult(TlsReportPolicy.None("silent.test")), CancellationToken.None);

        await RunTimerAsync();

        MailJob job = Assert.Single(await _h.TakeVisibleAsync(QueueNames.Inbound));
        Assert.Equal(["tls@reported.test"], job.Envelope.Recipients);
        Assert.Equal("", job.Envelope.MailFrom);
        Assert.Empty(await store.UnsentDomainsAsync(yesterday, CancellationToken.None));

        await RunTimerAsync();
        Assert.Empty(await _h.TakeVisibleAsync(QueueNames.Inbound));
    }
}
