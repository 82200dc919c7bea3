using System.Text;
using CloudMail.Core.Blobs;
using CloudMail.Core.Delivery;
using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Messages;
using CloudMail.Core.Queue;
using CloudMail.Core.Tests.SendApi.Fakes;
using CloudMail.SendApi.Tests.Fakes;
using Microsoft.Extensions.Options;
using MimeKit;

namespace CloudMail.Core.Tests.Delivery;

/// <summary>
/// An <see cref="OutboundStage"/> over in-memory stores of our own seams (blobs, delivery log, queue), a manual clock and
/// a <see cref="RecordingOutboundTransport"/>; builds outbound jobs as the inbound stage queues them.
/// </summary>
internal sealed class OutboundHarness
{
    public const string Sender = "alice@a.test";
    public const string ReportingMta = "mx.a.test";

    public OutboundHarness(DeliveryOptions? options = null, bool withTransport = true, IOutboundMessageSigner? signer = null,
        CloudMail.Core.Events.MailEventPublisher? events = null)
    {
        Options = options ?? new DeliveryOptions { HeloName = ReportingMta };
        var wrapped = Microsoft.Extensions.Options.Options.Create(Options);
        Bounces = new BounceSubmitter(Blobs, Queue, wrapped, Clock);
        Stage = new OutboundStage(Log, Blobs, Queue, Bounces, wrapped, Clock, new CapturingLogger<OutboundStage>(),
            withTransport ? Transport : null, signer, events: events);
    }

    public DeliveryOptions Options { get; }

    public ManualClock Clock { get; } = new(DateTimeOffset.UtcNow);

    public InMemoryBlobStore Blobs { get; } = new();

    public InMemoryDeliveryLog Log { get; } = new();

    public InMemoryMailQueue Queue { get; } = new();

    public RecordingOutboundTransport Transport { get; } = new();

    public BounceSubmitter Bounces { get; }

    public OutboundStage Stage { get; }

    /// <summary>
    /// Stores a message from <paramref name="mailFrom"/> and returns its first outbound job (as the inbound stage queues
    /// it); the message is <paramref name="message"/> (UTF-8) when given.
    /// </summary>
    public async Task<MailJob> OutboundJobAsync(string[] recipients, string mailFrom = Sender, EnvelopeDsn? dsn = null, string? message = null)
    {
        string id = MessageIds.New();
        byte[] bytes = Encoding.UTF8.GetBytes(message ??
            $"From: <{Sender}>\r\nTo: <{recipients[0]}>\r\nSubject: outbound {id}\r\nMessage-ID: <{id}@a.test>\r\n\r\nHello remote world.\r\n");
        await using var writer = Blobs.CreateWriter(id);
        await writer.WriteAsync(bytes, CancellationToken.None);
        BlobRef blob = await writer.CommitAsync(CancellationToken.None);
        var envelope = new Envelope(mailFrom, recipients, mailFrom, "192.0.2.10", "client.a.test", Clock.GetUtcNow(), dsn);
        foreach (string r in recipients)
            await Log.RecordAsync(new DeliveryRecord(id, r, DeliveryStatus.Pending, 1, "queued for remote delivery", Clock.GetUtcNow()), CancellationToken.None);
        return new MailJob(id + ":outbound", id, blob, envelope, recipients);
    }

    public Task<CloudMail.Core.Pipeline.StageOutcome> RunAsync(MailJob job) => Stage.RunAsync(job, CancellationToken.None);

    public async Task<DeliveryRecord> RecordAsync(MailJob job, string recipient) =>
        Assert.Single(await Log.GetAsync(job.MessageId, CancellationToken.None), r => r.Recipient == recipient);

    /// <summary>The outbound jobs waiting (retries).</summary>
    public IReadOnlyList<MailJob> Retries => [.. Queue.Waiting.Where(w => w.Queue == QueueNames.Outbound).Select(w => w.Job)];

    /// <summary>Every notification job ever accepted by the queue (inbound jobs; their JobId is their message id).</summary>
    public IReadOnlyList<MailJob> Notifications => [.. Queue.Accepted.Where(j => j.JobId == j.MessageId)];

    /// <summary>The stored notification of job <paramref name="notification"/>, parsed.</summary>
    public async Task<MimeMessage> ParseAsync(MailJob notification)
    {
        await using Stream stored = await Blobs.OpenReadAsync(notification.Blob.Id, CancellationToken.None);
        return await MimeMessage.LoadAsync(stored);
    }

    /// <summary>The <c>message/delivery-status</c> part of the stored notification of job <paramref name="notification"/>.</summary>
    public async Task<MessageDeliveryStatus> StatusOfAsync(MailJob notification)
    {
        var report = Assert.IsType<MultipartReport>((await ParseAsync(notification)).Body);
        return Assert.IsType<MessageDeliveryStatus>(report[1]);
    }
}
