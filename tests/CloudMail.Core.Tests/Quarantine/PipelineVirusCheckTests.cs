using System.Collections.Concurrent;
using System.Text;
using CloudMail.Core.Blobs;
using CloudMail.Core.Delivery;
using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Messages;
using CloudMail.Core.Pipeline;
using CloudMail.Core.Queue;
using CloudMail.Core.Quarantine;
using CloudMail.Core.Tests.SendApi.Fakes;
using CloudMail.SendApi.Tests.Fakes;
using Microsoft.Extensions.Options;

namespace CloudMail.Core.Tests.Quarantine;

/// <summary>
/// The pipeline's virus-scan policy without a network (the scanner is a stand-in that answers what the test says; the real
/// clamd is in CloudMail.Filtering.Tests' QuarantineTests): what it routes, quarantines, defers, and whom it notifies.
/// </summary>
public sealed class PipelineVirusCheckTests
{
    private readonly InMemoryBlobStore _blobs = new();
    private readonly InMemoryDeliveryLog _log = new();
    private readonly InMemoryMailQueue _queue = new();
    private readonly MemoryQuarantine _store = new();
    private readonly ManualClock _clock = new(DateTimeOffset.UtcNow);

    private sealed class FixedScanner(ScanResult result) : IMessageScanner
    {
        public int Scans { get; private set; }

        public Task<ScanResult> ScanAsync(Func<CancellationToken, Task<Stream>> open, CancellationToken cancellationToken)
        {
            Scans++;
            return Task.FromResult(result);
        }
    }

    private sealed class MemoryQuarantine : IQuarantineStore
    {
        public ConcurrentDictionary<string, QuarantineEntry> Entries { get; } = new();

        public Task<bool> AddAsync(QuarantineEntry entry, CancellationToken cancellationToken) => Task.FromResult(Entries.TryAdd(entry.MessageId, entry));

        public Task<QuarantineEntry?> GetAsync(string messageId, CancellationToken cancellationToken) => Task.FromResult(Entries.GetValueOrDefault(messageId));

        public Task<IReadOnlyList<QuarantineEntry>> ListAsync(CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<QuarantineEntry>>([.. Entries.Values.OrderByDescending(e => e.QuarantinedAt)]);

        public Task<bool> RemoveAsync(string messageId, CancellationToken cancellationToken) => Task.FromResult(Entries.TryRemove(messageId, out _));
    }

    private PipelineVirusCheck Check(IMessageScanner? scanner, QuarantineOptions? options = null)
    {
        var wrapped = Options.Create(options ?? new QuarantineOptions());
        var bounces = new BounceSubmitter(_blobs, _queue, Options.Create(new DeliveryOptions { HeloName = "mx.a.test" }), _clock);
        return new PipelineVirusCheck(_store, _log, _blobs, new QuarantineNotifier(_blobs, _queue, bounces, wrapped, _clock), wrapped, _clock,
            new CapturingLogger<PipelineVirusCheck>(), scanner);
    }

    private async Task<MailJob> StoredJobAsync(bool scanPending = true, string? authenticated = "alice@a.test", string[]? to = null)
    {
        string id = MessageIds.New();
        await using var writer = _blobs.CreateWriter(id);
        await writer.WriteAsync(Encoding.ASCII.GetBytes("Subject: x\r\n\r\nbody\r\n"), CancellationToken.None);
        BlobRef blob = await writer.CommitAsync(CancellationToken.None);
        var envelope = new Envelope("alice@a.test", to ?? ["bob@b.test", "carol@c.test"], authenticated, "192.0.2.1",
            authenticated is null ? "mx.remote.test" : QuarantineNames.SendApiHeloName,
            _clock.GetUtcNow(), ScanPending: scanPending);
        return new MailJob(id, id, blob, envelope);
    }

    [Fact]
    public async Task A_clean_message_is_routed_with_the_verdict_and_no_longer_pending_a_scan()
    {
        var job = await StoredJobAsync();
        var (route, settled) = await Check(new FixedScanner(new ScanResult.Clean())).CheckAsync(job, CancellationToken.None);

        Assert.Null(settled);
        Assert.False(route!.Envelope.ScanPending);
        Assert.Equal("virus scan clean", route.Envelope.Verdict);
        Assert.Empty(_store.Entries);
    }

    [Fact]
    public async Task A_message_not_pending_a_scan_or_without_a_scanner_is_routed_unscanned()
    {
        var scanner = new FixedScanner(new ScanResult.Infected("X"));
        var done = await StoredJobAsync(scanPending: false);
        Assert.Same(done, (await Check(scanner).CheckAsync(done, CancellationToken.None)).Route);
        Assert.Equal(0, scanner.Scans);

        var pending = await StoredJobAsync();
        Assert.Same(pending, (await Check(null).CheckAsync(pending, CancellationToken.None)).Route);
        Assert.Same(pending, (await Check(NoMessageScanner.Instance).CheckAsync(pending, CancellationToken.None)).Route);
    }

    [Fact]
    public async Task An_infected_message_is_quarantined_once_logged_for_every_recipient_and_the_senders_postmaster_is_told()
    {
        var job = await StoredJobAsync();
        var check = Check(new FixedScanner(new ScanResult.Infected("Eicar-Test-Signature")));

        var (route, settled) = await check.CheckAsync(job, CancellationToken.None);
        await check.CheckAsync(job, CancellationToken.None); // a redelivered job

        Assert.Null(route);
        Assert.Equal(StageOutcome.Done, settled);
        var entry = Assert.Single(_store.Entries.Values);
        Assert.Equal("Eicar-Test-Signature", entry.Signature);
        Assert.Equal("send-api", entry.Source);
        var records = await _log.GetAsync(job.MessageId, CancellationToken.None);
        Assert.Equal(["bob@b.test", "carol@c.test"], records.Select(r => r.Recipient).Order(StringComparer.Ordinal));
        Assert.All(records, r => Assert.Equal((DeliveryStatus.Quarantined, 1, PipelineVirusCheck.QuarantinedReply("Eicar-Test-Signature")), (r.Status, r.Attempts, r.LastReply)));
        var notice = Assert.Single(_queue.Waiting);
        Assert.Equal(QueueNames.Inbound, notice.Queue);
        Assert.Equal(["postmaster@a.test"], notice.Job.Envelope.Recipients);
        Assert.Equal("", notice.Job.Envelope.MailFrom);
        Assert.True(_blobs.Blobs.ContainsKey(job.MessageId));
    }

    [Fact]
    public async Task Mail_from_other_servers_notifies_each_recipient_domains_postmaster_a_configured_address_or_nobody()
    {
        var job = await StoredJobAsync(authenticated: null, to: ["x@b.test", "y@b.test", "z@c.test"]);
        var entry = new QuarantineEntry(job.MessageId, job, "V", _clock.GetUtcNow());
        QuarantineNotifier Notifier(string notify) => new(_blobs, _queue, new BounceSubmitter(_blobs, _queue, Options.Create(new DeliveryOptions()), _clock),
            Options.Create(new QuarantineOptions { NotifyAdmin = notify }), _clock);

        Assert.Equal(["postmaster@b.test", "postmaster@c.test"], Notifier("postmaster").RecipientsOf(entry));
        Assert.Equal(["security@a.test"], Notifier("security@a.test").RecipientsOf(entry));
        Assert.Empty(Notifier("none").RecipientsOf(entry));
        Assert.Null(await Notifier("none").NotifyAsync(entry, CancellationToken.None));
        Assert.Equal("smtp", entry.Source);
    }

    [Fact]
    public async Task While_the_scanner_is_unavailable_the_job_is_retried_and_its_recipients_deferred_unless_policy_delivers_unscanned()
    {
        var job = await StoredJobAsync();
        var unavailable = new FixedScanner(new ScanResult.Unavailable("connection refused"));

        var (route, settled) = await Check(unavailable).CheckAsync(job, CancellationToken.None);
        Assert.Null(route);
        var transient = Assert.IsType<StageOutcome.Transient>(settled);
        Assert.Equal(new QuarantineOptions().UnavailableRetryAfter, transient.RetryAfter);
        Assert.All(await _log.GetAsync(job.MessageId, CancellationToken.None), r => Assert.Equal((DeliveryStatus.Deferred, PipelineVirusCheck.UnavailableReply), (r.Status, r.LastReply)));

        var (delivered, none) = await Check(unavailable, new QuarantineOptions { PipelineWhenUnavailable = UnavailablePolicy.DeliverUnscanned }).CheckAsync(job, CancellationToken.None);
        Assert.Null(none);
        Assert.Equal("not scanned: scanner unavailable", delivered!.Envelope.Verdict);
        Assert.False(delivered.Envelope.ScanPending);
    }

    [Theory]
    [InlineData("postmaster", true)]
    [InlineData("NONE", true)]
    [InlineData("sec@a.test", true)]
    [InlineData("", false)]
    [InlineData("not an address", false)]
    public void NotifyAdmin_takes_postmaster_none_or_an_address(string value, bool valid) =>
        Assert.Equal(valid, !new QuarantineOptions { NotifyAdmin = value }.Problems().Any());
}
