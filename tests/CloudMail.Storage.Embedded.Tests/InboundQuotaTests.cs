using System.Text;
using CloudMail.ContractTests;
using CloudMail.Core.Blobs;
using CloudMail.Core.Delivery;
using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Directory;
using CloudMail.Core.Filtering.SenderLists;
using CloudMail.Core.Mailboxes;
using CloudMail.Core.Messages;
using CloudMail.Core.Pipeline;
using CloudMail.Core.Queue;
using CloudMail.Core.Quotas;
using CloudMail.Core.Routing;
using CloudMail.Storage.Embedded.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CloudMail.Storage.Embedded.Tests;

/// <summary>
/// The inbound stage and mailbox quotas on the embedded store: a message that would take a mailbox over its quota is not
/// stored there; it is deferred and retried, or bounced with 5.2.2, as CloudMail:Quota:OverQuotaDelivery says.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class InboundQuotaTests : IAsyncLifetime
{
    private const string Sender = "sender@remote.test";
    private readonly TempFolder _folder = new();
    private readonly ManualClock _clock = new(new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly CancellationToken _ct = CancellationToken.None;
    private readonly QuotaOptions _options = new() { OverQuotaRetryInterval = TimeSpan.FromMinutes(30), OverQuotaRetryFor = TimeSpan.FromHours(2) };
    private EmbeddedStorage _store = null!;
    private string _domain = "";

    public async Task InitializeAsync()
    {
        _store = EmbeddedStorage.Open(_folder.Path, _clock);
        _domain = Unique.Domain();
        await _store.MailDirectory.AddDomainAsync(_domain, _ct);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        _folder.Dispose();
    }

    /// <summary>An account with <paramref name="used"/> bytes in one message and a storage limit of <paramref name="limit"/>.</summary>
    private async Task<string> AccountAsync(int used, long? limit)
    {
        string address = Unique.Address(_domain);
        await _store.MailDirectory.AddAccountAsync(address, "hash", _ct);
        await _store.Mailboxes.EnsureDefaultMailboxesAsync(address, _ct);
        await _store.MailDirectory.SetQuotaAsync(address, new AccountQuota(limit, null), _ct);
        if (used > 0)
            await _store.Mailboxes.AppendAsync(address, DefaultMailboxes.Inbox, await PutAsync(used), _clock.GetUtcNow(), MessageFlags.None, [], null, _ct);
        return address;
    }

    private async Task<BlobRef> PutAsync(int size)
    {
        var text = new StringBuilder("Message-ID: <" + Guid.NewGuid().ToString("N") + "@remote.test>\r\nSubject: sized\r\n\r\n");
        while (text.Length < size) text.Append('x');
        await using IBlobWriter writer = _store.Blobs.CreateWriter(MessageIds.New());
        await writer.WriteAsync(Encoding.ASCII.GetBytes(text.ToString()[..size]), _ct);
        return await writer.CommitAsync(_ct);
    }

    private InboundProcessor Processor()
    {
        var directory = _store.MailDirectory;
        var bounces = new BounceSubmitter(_store.Blobs, _store.Queue, Options.Create(new DeliveryOptions { HeloName = "mx.test" }), _clock);
        var policy = new OverQuotaDeliveryPolicy(_store.Queue, _store.DeliveryLog, Options.Create(_options), _clock, NullLogger<OverQuotaDeliveryPolicy>.Instance, bounces);
        return new InboundProcessor(new RecipientResolver(directory), _store.Mailboxes, _store.Blobs, _store.Queue, _store.DeliveryLog,
            new NoRemoteDeliveryRoute(), new SrsRewriter(SrsSecret.None, Options.Create(new RoutingOptions()), _clock), new MailboxChangeNotifier(),
            new SenderListPolicy(_store.SenderLists, _clock, TimeSpan.Zero), _clock, NullLogger<InboundProcessor>.Instance, new MailboxQuotas(directory, _store.Mailboxes, Options.Create(_options)), policy);
    }

    private async Task<MailJob> JobAsync(int size, params string[] recipients)
    {
        BlobRef blob = await PutAsync(size);
        return new MailJob(blob.Id, blob.Id, blob, new Envelope(Sender, recipients, null, "192.0.2.1", "remote.test", _clock.GetUtcNow()));
    }

    /// <summary>A 600-byte message for a mailbox with 500 bytes free, deferred once: the account, the job, its retry job.</summary>
    private async Task<(string Account, MailJob Job, MailJob Retry)> DeferredAsync()
    {
        string full = await AccountAsync(used: 1000, limit: 1500);
        MailJob job = await JobAsync(600, full);
        await Processor().ProcessAsync(job, _ct);
        return (full, job, (await _store.Queue.FindAsync(QueueNames.Inbound, job.MessageId + ":quota:1", _ct))!.Job);
    }

    private async Task<DeliveryRecord> RecordAsync(MailJob job, string recipient) =>
        Assert.Single(await _store.DeliveryLog.GetAsync(job.MessageId, _ct), r => r.Recipient == recipient);

    private async Task<int> InboxCountAsync(string account) =>
        (await _store.Mailboxes.GetMessagesAsync(account, DefaultMailboxes.Inbox, _ct)).Count;

    /// <summary>The failure DSNs queued for <see cref="Sender"/> on the inbound queue.</summary>
    private async Task<List<MailJob>> BouncesAsync() =>
        [.. (await _store.Queue.ListJobsAsync(QueueNames.Inbound, 100, _ct)).Select(j => j.Job).Where(j => j.Envelope.MailFrom == "" && j.Envelope.Recipients.SequenceEqual([Sender]))];

    [Fact]
    public async Task A_message_that_would_exceed_the_quota_is_deferred_with_a_retry_job_and_nothing_is_stored()
    {
        string full = await AccountAsync(used: 1000, limit: 1500);
        string roomy = await AccountAsync(used: 0, limit: null);
        MailJob job = await JobAsync(600, full, roomy);

        Assert.Equal(StageOutcome.Done, await Processor().ProcessAsync(job, _ct));

        Assert.Equal(1, await InboxCountAsync(full));
        Assert.Equal(1, await InboxCountAsync(roomy));
        var deferred = await RecordAsync(job, full);
        Assert.Equal((DeliveryStatus.Deferred, OverQuotaDeliveryPolicy.DeferredReply), (deferred.Status, deferred.LastReply));
        Assert.Equal(DeliveryStatus.Delivered, (await RecordAsync(job, roomy)).Status);
        QueuedJob retry = (await _store.Queue.FindAsync(QueueNames.Inbound, job.MessageId + ":quota:1", _ct))!;
        Assert.Equal([full], retry.Job.EffectiveRecipients);
        Assert.Equal(1, retry.Job.QuotaRetry);
        Assert.Equal(_clock.GetUtcNow() + TimeSpan.FromMinutes(30), retry.NextAttemptAt);
        Assert.Empty(await BouncesAsync());
    }

    [Fact]
    public async Task The_retry_delivers_once_the_user_has_made_room()
    {
        var (full, job, retry) = await DeferredAsync();

        await _store.MailDirectory.SetQuotaAsync(full, new AccountQuota(2000, null), _ct);
        _clock.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(StageOutcome.Done, await Processor().ProcessAsync(retry, _ct));

        Assert.Equal(2, await InboxCountAsync(full));
        Assert.Equal(DeliveryStatus.Delivered, (await RecordAsync(job, full)).Status);
        Assert.Null(await _store.Queue.FindAsync(QueueNames.Inbound, job.MessageId + ":quota:2", _ct));
    }

    [Fact]
    public async Task A_mailbox_still_full_when_the_retry_time_is_over_bounces_with_5_2_2()
    {
        var (full, job, retry) = await DeferredAsync();

        _clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(StageOutcome.Done, await Processor().ProcessAsync(retry, _ct));

        var failed = await RecordAsync(job, full);
        Assert.Equal((DeliveryStatus.Failed, "552 5.2.2 mailbox full"), (failed.Status, failed.LastReply));
        Assert.Equal(1, await InboxCountAsync(full));
        Assert.Null(await _store.Queue.FindAsync(QueueNames.Inbound, job.MessageId + ":quota:2", _ct));
        MailJob dsn = Assert.Single(await BouncesAsync());
        string text = await ReadAsync(dsn.Blob);
        Assert.Contains("Status: 5.2.2", text);
        Assert.Contains("Final-Recipient: rfc822; " + full, text);
    }

    [Fact]
    public async Task With_Bounce_the_sender_gets_a_5_2_2_notification_at_once()
    {
        _options.OverQuotaDelivery = OverQuotaDelivery.Bounce;
        string full = await AccountAsync(used: 1000, limit: 1500);
        MailJob job = await JobAsync(600, full);

        Assert.Equal(StageOutcome.Done, await Processor().ProcessAsync(job, _ct));

        Assert.Equal(DeliveryStatus.Failed, (await RecordAsync(job, full)).Status);
        Assert.Null(await _store.Queue.FindAsync(QueueNames.Inbound, job.MessageId + ":quota:1", _ct));
        Assert.Contains("Diagnostic-Code: smtp; 552 5.2.2 mailbox full", await ReadAsync(Assert.Single(await BouncesAsync()).Blob));
        // Run twice (a redelivery): still one notification.
        await Processor().ProcessAsync(job, _ct);
        Assert.Single(await BouncesAsync());
    }

    [Fact]
    public async Task A_message_that_fits_exactly_is_delivered_and_an_unlimited_account_takes_anything()
    {
        string exact = await AccountAsync(used: 1000, limit: 1600);
        string unlimited = await AccountAsync(used: 1000, limit: 0);
        MailJob job = await JobAsync(600, exact, unlimited);

        await Processor().ProcessAsync(job, _ct);

        Assert.Equal(2, await InboxCountAsync(exact));
        Assert.Equal(2, await InboxCountAsync(unlimited));
    }

    private async Task<string> ReadAsync(BlobRef blob)
    {
        await using Stream stream = await _store.Blobs.OpenReadAsync(blob.Id, _ct);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync(_ct);
    }
}
