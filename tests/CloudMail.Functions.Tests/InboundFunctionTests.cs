using CloudMail.Core.Delivery;
using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Directory;
using CloudMail.Core.Pipeline;
using CloudMail.Core.Queue;
using CloudMail.Core.Routing;
using CloudMail.Functions.Tests.Support;
using CloudMail.Storage.Azure.Queue;
using Microsoft.Extensions.DependencyInjection;

namespace CloudMail.Functions.Tests;

/// <summary>
/// The inbound Service Bus function called directly with real MailJob payloads over the real embedded storage: what it
/// delivers, and how it settles the message in each case.
/// </summary>
public sealed class InboundFunctionTests : IAsyncLifetime
{
    private FunctionsHarness _h = null!;

    public async Task InitializeAsync() => _h = await FunctionsHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task A_job_for_a_local_user_is_delivered_to_the_inbox_and_the_message_completed()
    {
        string user = await _h.NewUserAsync();
        var job = await _h.AcceptAsync("sender@remote.example", user);

        var actions = await _h.RunInboundAsync(_h.Message(job));

        Assert.Equal(new Settled("complete", job.JobId, null, null), actions.Single);
        var message = Assert.Single(await _h.InboxAsync(user));
        Assert.Equal(job.Blob, message.Blob);
        var record = Assert.Single(await _h.Get<IDeliveryLog>().GetAsync(job.MessageId, CancellationToken.None));
        Assert.Equal(DeliveryStatus.Delivered, record.Status);
    }

    [Fact]
    public async Task A_message_exactly_as_the_service_bus_queue_adapter_writes_it_is_read_and_delivered()
    {
        string user = await _h.NewUserAsync();
        var job = await _h.AcceptAsync("sender@remote.example", user);
        var sent = ServiceBusJobMessages.ForEnqueue(job, _h.Clock.GetUtcNow());

        var actions = await _h.RunInboundAsync(FunctionsHarness.Message(sent.Body, sent.MessageId));

        Assert.Equal(new Settled("complete", job.JobId, null, null), actions.Single);
        Assert.Single(await _h.InboxAsync(user));
    }

    [Fact]
    public async Task A_redelivered_message_is_completed_again_without_a_second_copy()
    {
        string user = await _h.NewUserAsync();
        var job = await _h.AcceptAsync("sender@remote.example", user);

        await _h.RunInboundAsync(_h.Message(job));
        var second = await _h.RunInboundAsync(_h.Message(job, deliveryCount: 2));

        Assert.Equal("complete", second.Single.Action);
        Assert.Single(await _h.InboxAsync(user));
    }

    [Fact]
    public async Task A_blob_store_failure_schedules_a_retry_copy_in_the_adapter_format_that_delivers_once()
    {
        string user = await _h.NewUserAsync();
        var job = await _h.AcceptAsync("sender@remote.example", user);
        _h.Blobs.FailuresLeft = 1;

        var first = await _h.RunInboundAsync(_h.Message(job));

        // Rescheduled: a retry copy is durably sent for later, then the original is completed.
        Assert.Equal("complete", first.Single.Action);
        Assert.Empty(await _h.InboxAsync(user));
        var copy = Assert.Single(_h.RetriesSent(QueueNames.Inbound));
        Assert.Equal(job.JobId + "~r1", copy.MessageId);
        Assert.True(copy.ScheduledEnqueueTime > _h.Clock.GetUtcNow(), "the copy waits out the backoff");
        Assert.Equal(1, copy.ApplicationProperties[ServiceBusJobMessages.PriorDeliveriesProperty]);
        Assert.Contains("IOException", (string)copy.ApplicationProperties[ServiceBusJobMessages.RetryReasonProperty]);
        var retry = ServiceBusJobMessages.ReadJob(FunctionsHarness.Received(copy));
        Assert.Equal(job.JobId, retry.JobId);
        Assert.Equal(job.MessageId, retry.MessageId);

        var second = await _h.RunInboundAsync(FunctionsHarness.Received(copy));
        // The original again, as after a crash between sending the retry and completing the original.
        var third = await _h.RunInboundAsync(_h.Message(job, deliveryCount: 2));

        Assert.Equal("complete", second.Single.Action);
        Assert.Equal("complete", third.Single.Action);
        Assert.Single(await _h.InboxAsync(user));
    }

    [Fact]
    public async Task A_retry_sent_again_after_a_crash_before_completion_has_the_same_MessageId_for_duplicate_detection()
    {
        string user = await _h.NewUserAsync();
        var job = await _h.AcceptAsync("sender@remote.example", user);
        _h.Blobs.FailuresLeft = 2;

        await _h.RunInboundAsync(_h.Message(job));
        // The completion was lost: the broker delivers the same message again and it fails again.
        await _h.RunInboundAsync(_h.Message(job, deliveryCount: 2));

        var copies = _h.RetriesSent(QueueNames.Inbound);
        Assert.Equal(2, copies.Count);
        Assert.Equal(copies[0].MessageId, copies[1].MessageId);
        Assert.Equal(2, copies[1].ApplicationProperties[ServiceBusJobMessages.PriorDeliveriesProperty]);
    }

    [Fact]
    public async Task A_half_created_account_is_retried_and_every_recipient_gets_exactly_one_copy()
    {
        string complete = await _h.NewUserAsync();
        string halfCreated = await _h.NewAccountWithoutMailboxesAsync();
        var job = await _h.AcceptAsync("sender@remote.example", complete, halfCreated);

        var first = await _h.RunInboundAsync(_h.Message(job));

        Assert.Equal("complete", first.Single.Action);
        Assert.Single(await _h.InboxAsync(complete));

        await _h.Get<CloudMail.Core.Mailboxes.IMailboxIndex>().EnsureDefaultMailboxesAsync(halfCreated, CancellationToken.None);
        var copy = Assert.Single(_h.RetriesSent(QueueNames.Inbound));
        var second = await _h.RunInboundAsync(FunctionsHarness.Received(copy));

        Assert.Equal("complete", second.Single.Action);
        Assert.Single(await _h.InboxAsync(complete));
        Assert.Single(await _h.InboxAsync(halfCreated));
    }

    [Fact]
    public async Task A_job_whose_blob_is_missing_is_dead_lettered_with_the_reason()
    {
        string user = await _h.NewUserAsync();
        var accepted = await _h.AcceptAsync("sender@remote.example", user);
        var job = accepted with { Blob = accepted.Blob with { Id = "00000000000000000000000000ff" } };

        var actions = await _h.RunInboundAsync(_h.Message(job));

        var settled = actions.Single;
        Assert.Equal("deadletter", settled.Action);
        Assert.Equal(DeadLetterReasons.Permanent, settled.Reason);
        Assert.Contains("00000000000000000000000000ff", settled.Description);
        Assert.Contains("missing", settled.Description);
        Assert.Empty(await _h.InboxAsync(user));
    }

    [Theory]
    [InlineData("this is not json")]
    [InlineData("{\"jobId\":\"x\",\"messageId\":\"x\"}")]
    [InlineData("null")]
    [InlineData("[1,2,3]")]
    public async Task An_unreadable_body_is_dead_lettered_as_poison(string body)
    {
        var actions = await _h.RunInboundAsync(FunctionsHarness.Message(BinaryData.FromString(body), "poison-1"));

        var settled = actions.Single;
        Assert.Equal("deadletter", settled.Action);
        Assert.Equal(DeadLetterReasons.Poison, settled.Reason);
        Assert.False(string.IsNullOrWhiteSpace(settled.Description));
    }

    [Theory]
    [InlineData(9, "complete")]    // 9 retries made: the 10th is scheduled
    [InlineData(10, "deadletter")] // 10 retries made (MaxRetries): given up
    public async Task Transient_failures_past_the_retry_limit_are_dead_lettered(int priorDeliveries, string action)
    {
        string user = await _h.NewUserAsync();
        var job = await _h.AcceptAsync("sender@remote.example", user);
        var copy = ServiceBusJobMessages.ForEnqueue(job, _h.Clock.GetUtcNow());
        copy.ApplicationProperties[ServiceBusJobMessages.PriorDeliveriesProperty] = priorDeliveries;
        _h.Blobs.FailuresLeft = 1;

        var actions = await _h.RunInboundAsync(FunctionsHarness.Received(copy));

        var settled = actions.Single;
        Assert.Equal(action, settled.Action);
        if (action == "deadletter")
        {
            Assert.Equal(DeadLetterReasons.RetriesExhausted, settled.Reason);
            Assert.Contains("gave up after 10 retries", settled.Description);
            Assert.Contains("IOException", settled.Description);
            Assert.Empty(_h.RetriesSent(QueueNames.Inbound));
        }
        else
        {
            Assert.Equal(priorDeliveries + 1, Assert.Single(_h.RetriesSent(QueueNames.Inbound)).ApplicationProperties[ServiceBusJobMessages.PriorDeliveriesProperty]);
        }
        Assert.Empty(await _h.TakeVisibleAsync(QueueNames.Inbound));
    }

    [Theory]
    [InlineData(typeof(InvalidOperationException))]
    [InlineData(typeof(IOException))] // an SDK error a backend did not map: not known to be transient
    public async Task A_failure_that_is_not_transient_is_dead_lettered_at_once_without_a_retry(Type type)
    {
        string user = await _h.NewUserAsync();
        var job = await _h.AcceptAsync("sender@remote.example", user);
        _h.Blobs.Broken = (Exception)Activator.CreateInstance(type, "injected: misconfigured")!;

        var actions = await _h.RunInboundAsync(_h.Message(job));

        var settled = actions.Single;
        Assert.Equal(("deadletter", DeadLetterReasons.Failed), (settled.Action, settled.Reason));
        Assert.Contains(type.Name + ": injected: misconfigured", settled.Description);
        Assert.Empty(_h.RetriesSent(QueueNames.Inbound));
    }

    [Fact]
    public async Task Remote_recipients_of_a_submission_are_logged_failed_and_not_queued_while_no_route_exists()
    {
        string user = await _h.NewUserAsync();
        var accepted = await _h.AcceptAsync(user, "friend@remote.example", user);
        var job = accepted with { Envelope = accepted.Envelope with { AuthenticatedUser = user } };

        var actions = await _h.RunInboundAsync(_h.Message(job));

        Assert.Equal("complete", actions.Single.Action);
        Assert.Empty(await _h.TakeVisibleAsync(QueueNames.Outbound));
        var records = (await _h.Get<IDeliveryLog>().GetAsync(job.MessageId, CancellationToken.None)).ToDictionary(r => r.Recipient);
        Assert.Equal((DeliveryStatus.Failed, InboundProcessor.NoRouteReply), (records["friend@remote.example"].Status, records["friend@remote.example"].LastReply));
        Assert.Equal(DeliveryStatus.Delivered, records[user].Status);
    }

    [Fact]
    public async Task With_a_remote_route_remote_recipients_of_a_submission_become_one_outbound_job()
    {
        await using var h = await FunctionsHarness.StartAsync(configure: s => s.AddSingleton<IRemoteDeliveryRoute>(new OpenRoute()));
        string user = await h.NewUserAsync();
        var accepted = await h.AcceptAsync(user, "friend@remote.example", user);
        var job = accepted with { Envelope = accepted.Envelope with { AuthenticatedUser = user } };

        var actions = await h.RunInboundAsync(h.Message(job));

        Assert.Equal("complete", actions.Single.Action);
        var outbound = Assert.Single(await h.TakeVisibleAsync(QueueNames.Outbound));
        Assert.Equal(job.MessageId + ":outbound", outbound.JobId);
        Assert.Equal(["friend@remote.example"], outbound.EffectiveRecipients);
    }

    [Fact]
    public async Task An_alias_forward_becomes_a_forward_job_with_an_srs_sender_when_the_srs_secret_is_set_and_keeps_it_when_not()
    {
        var settings = new Dictionary<string, string?> { ["CloudMail:Routing:SrsSecret"] = "functions srs secret of some length" };
        foreach ((var configured, bool rewritten) in new[] { (settings, true), (null, false) })
        {
            await using var h = await FunctionsHarness.StartAsync(configured, s => s.AddSingleton<IRemoteDeliveryRoute>(new OpenRoute()));
            string member = await h.NewUserAsync();
            string alias = "list@" + FunctionsHarness.Domain;
            await h.Get<IMailDirectory>().AddAliasAsync(alias, member, CancellationToken.None);
            await h.Get<IMailDirectory>().AddAliasAsync(alias, "friend@remote.example", CancellationToken.None);
            var job = await h.AcceptAsync("alice@sender.example", alias);

            Assert.Equal("complete", (await h.RunInboundAsync(h.Message(job))).Single.Action);

            var forward = Assert.Single(await h.TakeVisibleAsync(QueueNames.Outbound));
            Assert.Equal(job.MessageId + ":forward", forward.JobId);
            Assert.Equal(["friend@remote.example"], forward.EffectiveRecipients);
            if (rewritten)
                Assert.Equal(new SrsReversal(SrsVerdict.Valid, "alice@sender.example"), h.Get<SrsRewriter>().Reverse(forward.Envelope.MailFrom));
            else
                Assert.Equal("alice@sender.example", forward.Envelope.MailFrom);
        }
    }

    private sealed class OpenRoute : IRemoteDeliveryRoute
    {
        public bool CanDeliverRemotely => true;
    }
}
