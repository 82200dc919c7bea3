using CloudMail.Core.Blobs;
using CloudMail.Core.Messages;
using CloudMail.Core.Queue;
using CloudMail.Listener.Pipeline;
using CloudMail.Listener.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CloudMail.Listener.Tests.Pipeline;

/// <summary>
/// <c>cloudmail serve</c> keeps the outbound ledger and runs the stuck-outbound sweep: an outbound job enqueued through
/// the server's queue gets its ledger entry (due at its scheduled time) and carries that time, and the sweep service
/// runs beside the stage workers.
/// </summary>
public sealed class StuckOutboundSweepServiceTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task An_outbound_job_enqueued_by_serve_is_in_the_ledger_until_settled_and_the_sweep_runs()
    {
        string id = MessageIds.New();
        var job = new MailJob(id + ":outbound", id, new BlobRef(id, 100, new string('0', 64)),
            new Envelope("alice@example.test", ["bob@remote.test"], "alice@example.test", "127.0.0.1", "client.test", DateTimeOffset.UtcNow));
        DateTimeOffset due = DateTimeOffset.UtcNow.AddHours(1); // not before then: the worker leaves it alone

        await _server.Get<IMailQueue>().EnqueueAsync(QueueNames.Outbound, job, due, CancellationToken.None);

        var entry = Assert.Single(await _server.Get<OutboundLedger>().ListDueBeforeAsync(DateTimeOffset.MaxValue, 10, CancellationToken.None));
        Assert.Equal((job.JobId, due), (entry.Job.JobId, entry.DueAt));
        QueuedJob queued = Assert.Single(await _server.Get<ILeasedMailQueue>().ListJobsAsync(QueueNames.Outbound, 10, CancellationToken.None));
        Assert.Equal(due, queued.Job.LedgeredAt);
        Assert.Contains(_server.Services.GetServices<IHostedService>(), s => s is StuckOutboundSweepService);
    }
}
