using CloudMail.Core.Blobs;
using CloudMail.Core.Messages;
using CloudMail.Core.Queue;
using CloudMail.Listener.Pipeline;
using CloudMail.Storage.Embedded;
using CloudMail.Tests.Shared;
using Microsoft.Extensions.Logging;

namespace CloudMail.Listener.Tests.Pipeline;

/// <summary>
/// <see cref="LeaseRenewal"/> over the real embedded queue (SQLite in a temp folder): a job keeps its lease for as long
/// as it runs, its settlement after the renewal stops works and logs nothing, and a lease taken by another worker ends
/// the renewals with a warning.
/// </summary>
public sealed class LeaseRenewalTests : IAsyncLifetime
{
    private static readonly TimeSpan Lease = TimeSpan.FromMilliseconds(600);

    /// <summary>
    /// The lease of the renewal test: renewed every second, so a renewal would have to come two seconds late for the job
    /// to be leased again (in CI, with the suite's servers on two cores, a 600 ms lease once lost a renewal 400 ms late).
    /// </summary>
    private static readonly TimeSpan RenewedLease = TimeSpan.FromSeconds(3);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "cloudmail-lease-" + Guid.NewGuid().ToString("N"));
    private readonly CapturingLogger<LeaseRenewalTests> _log = new();
    private EmbeddedStorage _storage = null!;

    private ILeasedMailQueue Queue => _storage.Queue;

    public Task InitializeAsync()
    {
        _storage = EmbeddedStorage.Open(_folder);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _storage.DisposeAsync();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }

    private async Task<LeasedJob> LeasedAsync(TimeSpan? lease = null)
    {
        string id = MessageIds.New();
        var job = new MailJob(id, id, new BlobRef(id, 100, new string('0', 64)),
            new Envelope("alice@a.test", ["bob@b.test"], "alice@a.test", "127.0.0.1", "client.a.test", DateTimeOffset.UtcNow));
        await Queue.EnqueueAsync(QueueNames.Outbound, job, null, CancellationToken.None);
        return Assert.Single(await Queue.LeaseAsync(QueueNames.Outbound, 1, lease ?? Lease, CancellationToken.None));
    }

    [Fact]
    public async Task A_job_running_three_leases_long_keeps_its_lease_and_then_settles_quietly()
    {
        LeasedJob job = await LeasedAsync(RenewedLease);
        await using (var renewal = LeaseRenewal.Start(Queue, QueueNames.Outbound, job, RenewedLease, TimeProvider.System, _log))
        {
            await Task.Delay(RenewedLease * 3);
            Assert.Empty(await Queue.LeaseAsync(QueueNames.Outbound, 1, RenewedLease, CancellationToken.None));
            await renewal.StopAsync();
        }

        Assert.True(await Queue.CompleteAsync(QueueNames.Outbound, job, CancellationToken.None));
        Assert.Empty(_log.Entries);
    }

    [Fact]
    public async Task Without_renewal_the_same_job_is_leased_again_after_one_lease()
    {
        LeasedJob job = await LeasedAsync();

        await Task.Delay(Lease * 2);

        Assert.Equal(job.Job.JobId, Assert.Single(await Queue.LeaseAsync(QueueNames.Outbound, 1, Lease, CancellationToken.None)).Job.JobId);
    }

    [Fact]
    public async Task A_lease_another_worker_took_ends_the_renewals_with_a_warning()
    {
        LeasedJob job = await LeasedAsync();
        await Task.Delay(Lease * 2);
        Assert.Single(await Queue.LeaseAsync(QueueNames.Outbound, 1, TimeSpan.FromMinutes(5), CancellationToken.None));

        await using (LeaseRenewal.Start(Queue, QueueNames.Outbound, job, Lease, TimeProvider.System, _log))
        {
            // The first renewal is due after a third of a lease; on a loaded machine (the suite's servers share two cores)
            // its timer may fire much later, so wait for it rather than for a fixed time.
            for (var waited = System.Diagnostics.Stopwatch.StartNew(); _log.Entries.Count == 0 && waited.Elapsed < TimeSpan.FromSeconds(20);)
                await Task.Delay(50);
            await Task.Delay(Lease); // and no renewal after the lost one
        }

        var warning = Assert.Single(_log.Entries);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("was lost while it ran", warning.Message, StringComparison.Ordinal);
    }
}
