using CloudMail.Core.Blobs;
using CloudMail.Core.Delivery;
using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Mailboxes;
using CloudMail.Core.Pipeline;
using CloudMail.Core.Queue;
using CloudMail.Functions.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace CloudMail.Functions.Tests;

/// <summary>
/// The outbound function over the real pipeline (embedded storage underneath) with a recording transport: delivery,
/// retries as new scheduled jobs, and bounces that come back through the inbound function to the sender's INBOX.
/// </summary>
public sealed class OutboundFunctionTests : IAsyncLifetime
{
    private const string Remote = "friend@remote.example";

    private readonly RecordingOutboundTransport _transport = new();
    private FunctionsHarness _h = null!;

    public async Task InitializeAsync() => _h = await FunctionsHarness.StartAsync(
        new Dictionary<string, string?> { ["CloudMail:Delivery:RetrySchedule:0"] = "00:10:00" },
        services => services.AddSingleton<IOutboundTransport>(_transport));

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task An_outbound_job_is_handed_to_the_transport_and_logged_delivered()
    {
        var job = await OutboundJobAsync(await _h.NewUserAsync());

        var actions = await _h.RunOutboundAsync(_h.Message(job));

        Assert.Equal("complete", actions.Single.Action);
        var call = Assert.Single(_transport.Calls);
        Assert.Equal("remote.example", call.Envelope.Domain);
        Assert.Equal(job.Envelope.MailFrom, call.Envelope.MailFrom);
        await using var stored = await _h.Get<IMessageBlobStore>().OpenReadAsync(job.Blob.Id, CancellationToken.None);
        using var copy = new MemoryStream();
        await stored.CopyToAsync(copy);
        Assert.Equal(copy.ToArray(), call.Message);
        var record = Assert.Single(await _h.Get<IDeliveryLog>().GetAsync(job.MessageId, CancellationToken.None));
        Assert.Equal((DeliveryStatus.Delivered, 1, RecordingOutboundTransport.DeliveredReply), (record.Status, record.Attempts, record.LastReply));
    }

    [Fact]
    public async Task A_4xx_schedules_a_new_job_that_delivers_on_its_turn()
    {
        _transport.Script(Remote, (RecipientOutcome.Transient, "451 4.7.1 greylisted"));
        var job = await OutboundJobAsync(await _h.NewUserAsync());

        Assert.Equal("complete", (await _h.RunOutboundAsync(_h.Message(job))).Single.Action);
        var deferred = Assert.Single(await _h.Get<IDeliveryLog>().GetAsync(job.MessageId, CancellationToken.None));
        Assert.Equal((DeliveryStatus.Deferred, 1, "451 4.7.1 greylisted"), (deferred.Status, deferred.Attempts, deferred.LastReply));
        Assert.Empty(await _h.TakeVisibleAsync(QueueNames.Outbound));

        _h.Clock.Advance(TimeSpan.FromMinutes(10));
        var retry = Assert.Single(await _h.TakeVisibleAsync(QueueNames.Outbound));
        Assert.Equal(job.MessageId + ":outbound:1", retry.JobId);
        Assert.Equal(1, retry.OutboundAttempt);

        Assert.Equal("complete", (await _h.RunOutboundAsync(_h.Message(retry))).Single.Action);
        var delivered = Assert.Single(await _h.Get<IDeliveryLog>().GetAsync(job.MessageId, CancellationToken.None));
        Assert.Equal((DeliveryStatus.Delivered, 2), (delivered.Status, delivered.Attempts));
        Assert.Equal(2, _transport.Calls.Count);
    }

    [Fact]
    public async Task A_5xx_bounces_to_the_local_sender_through_the_inbound_function()
    {
        _transport.Script(Remote, (RecipientOutcome.Permanent, "550 5.1.1 no such user"));
        string sender = await _h.NewUserAsync();
        var job = await OutboundJobAsync(sender);

        await _h.RunOutboundAsync(_h.Message(job));
        // Run twice, as after a crash before completion: nothing is delivered or bounced again.
        await _h.RunOutboundAsync(_h.Message(job, deliveryCount: 2));

        Assert.Single(_transport.Calls);
        var failed = Assert.Single(await _h.Get<IDeliveryLog>().GetAsync(job.MessageId, CancellationToken.None));
        Assert.Equal((DeliveryStatus.Failed, "550 5.1.1 no such user"), (failed.Status, failed.LastReply));
        var bounce = Assert.Single(await _h.TakeVisibleAsync(QueueNames.Inbound));
        Assert.Equal("", bounce.Envelope.MailFrom);
        Assert.Equal([sender], bounce.Envelope.Recipients);
        await _h.RunInboundAsync(_h.Message(bounce));

        var inbox = Assert.Single(await _h.InboxAsync(sender));
        await using var stream = await _h.Get<IMessageBlobStore>().OpenReadAsync(inbox.Blob.Id, CancellationToken.None);
        var message = await MimeMessage.LoadAsync(stream);
        var report = Assert.IsType<MultipartReport>(message.Body);
        Assert.Equal("delivery-status", report.ReportType);
        var recipient = ((MessageDeliveryStatus)report[1]).StatusGroups[1];
        Assert.Equal("failed", recipient["Action"]?.Trim());
        Assert.Equal("smtp; 550 5.1.1 no such user", recipient["Diagnostic-Code"]?.Trim());
    }

    [Fact]
    public async Task An_inbound_job_delivered_again_after_remote_delivery_does_not_send_a_second_time()
    {
        string sender = await _h.NewUserAsync();
        var accepted = await _h.AcceptAsync(sender, Remote);
        accepted = accepted with { Envelope = accepted.Envelope with { AuthenticatedUser = sender } };
        Assert.Equal("complete", (await _h.RunInboundAsync(_h.Message(accepted))).Single.Action);
        var outbound = Assert.Single(await _h.TakeVisibleAsync(QueueNames.Outbound));
        Assert.Equal("complete", (await _h.RunOutboundAsync(_h.Message(outbound))).Single.Action);

        // The inbound message comes back (a lost completion): routing runs again and must not queue the delivered recipient.
        Assert.Equal("complete", (await _h.RunInboundAsync(_h.Message(accepted))).Single.Action);

        Assert.Empty(await _h.TakeVisibleAsync(QueueNames.Outbound));
        Assert.Single(_transport.Calls);
        var record = Assert.Single(await _h.Get<IDeliveryLog>().GetAsync(accepted.MessageId, CancellationToken.None));
        Assert.Equal(DeliveryStatus.Delivered, record.Status);
    }

    [Fact]
    public async Task An_alias_forward_gets_a_record_per_target_and_the_alias_record_is_final()
    {
        string alias = "list-" + Guid.NewGuid().ToString("N")[..8] + "@" + FunctionsHarness.Domain;
        await _h.Get<CloudMail.Core.Directory.IMailDirectory>().AddAliasAsync(alias, Remote, CancellationToken.None);
        var accepted = await _h.AcceptAsync("someone@elsewhere.example", alias);
        Assert.Equal("complete", (await _h.RunInboundAsync(_h.Message(accepted))).Single.Action);

        var log = (await _h.Get<IDeliveryLog>().GetAsync(accepted.MessageId, CancellationToken.None)).ToDictionary(r => r.Recipient);
        Assert.Equal(DeliveryStatus.Delivered, log[alias].Status);
        Assert.Equal("250 2.0.0 forwarded to " + Remote, log[alias].LastReply);
        Assert.Equal(DeliveryStatus.Pending, log[Remote].Status); // keeps the blob until the outbound stage settles it

        var forward = Assert.Single(await _h.TakeVisibleAsync(QueueNames.Outbound));
        Assert.Equal("complete", (await _h.RunOutboundAsync(_h.Message(forward))).Single.Action);
        Assert.Equal(DeliveryStatus.Delivered, (await _h.Get<IDeliveryLog>().GetAsync(accepted.MessageId, CancellationToken.None)).Single(r => r.Recipient == Remote).Status);
    }

    [Fact]
    public async Task An_unreadable_outbound_body_is_dead_lettered_as_poison()
    {
        var actions = await _h.RunOutboundAsync(FunctionsHarness.Message(BinaryData.FromString("{"), "poison-2"));

        Assert.Equal(DeadLetterReasons.Poison, actions.Single.Reason);
    }

    private async Task<MailJob> OutboundJobAsync(string sender)
    {
        var accepted = await _h.AcceptAsync(sender, Remote);
        return accepted with { JobId = accepted.MessageId + ":outbound", Recipients = [Remote] };
    }
}
