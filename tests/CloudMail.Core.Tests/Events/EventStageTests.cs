using System.Text;
using System.Text.Json;
using CloudMail.Core.Blobs;
using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Events;
using CloudMail.Core.Messages;
using CloudMail.Core.Pipeline;
using CloudMail.Core.Queue;
using CloudMail.SendApi.Tests.Fakes;
using CloudMail.Tests.Shared;

namespace CloudMail.Core.Tests.Events;

public sealed class EventStageTests
{
    private readonly InMemoryWebhookStore _store = new();
    private readonly InMemoryBlobStore _blobs = new();
    private readonly InMemoryDeliveryLog _log = new();
    private readonly ScriptedPoster _poster = new();
    private readonly ManualClock _clock = new(DateTimeOffset.UtcNow);
    private readonly CapturingLogger<EventStage> _logger = new();
    private readonly EventOptions _options = new();
    private readonly WebhookSubscription _subscription = new("wh_1", "a.test", "https://hooks.test/in?token=t0ps3cret", "whsec_key", MailEventTypes.All,
        DateTimeOffset.UnixEpoch);

    private EventStage Stage => new(_store, _blobs, _log, Microsoft.Extensions.Options.Options.Create(_options), _clock, _logger, _poster);

    private async Task<MailJob> EventJobAsync(MailEventType type, string body = "Subject: hi\r\nFrom: ann@remote.test\r\n\r\nhello\r\n")
    {
        await _store.AddAsync(_subscription, CancellationToken.None);
        await using IBlobWriter writer = _blobs.CreateWriter("m1");
        await writer.WriteAsync(Encoding.ASCII.GetBytes(body), CancellationToken.None);
        BlobRef blob = await writer.CommitAsync(CancellationToken.None);
        var envelope = new Envelope("ann@remote.test", ["bob@a.test"], null, "192.0.2.1", "client.test", _clock.GetUtcNow());
        return new MailJob("m1:event:x", "m1", blob, envelope, ["bob@a.test"], Event: EventJobs.Describe(type, _subscription.Id));
    }

    [Fact]
    public async Task The_event_is_posted_signed_with_the_subscriptions_secret_and_named_in_the_headers()
    {
        MailJob job = await EventJobAsync(MailEventType.Received);

        Assert.Equal(StageOutcome.Done, await Stage.RunAsync(job, CancellationToken.None));

        WebhookRequest request = Assert.Single(_poster.Requests);
        Assert.Equal(new Uri(_subscription.Url), request.Url);
        var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value);
        Assert.Equal("message.received", headers[EventStage.EventHeader]);
        Assert.Equal(EventJobs.EventId(job.JobId), headers[EventStage.DeliveryHeader]);
        Assert.True(WebhookSignature.Verify("whsec_key", headers[WebhookSignature.HeaderName], request.Body, _clock.GetUtcNow(), TimeSpan.FromMinutes(5)));
        using var json = JsonDocument.Parse(request.Body);
        Assert.Equal("hi", json.RootElement.GetProperty("headers").GetProperty("subject").GetString());
        Assert.Equal(_blobs.Blobs["m1"], json.RootElement.GetProperty("raw").GetBytesFromBase64());
    }

    [Fact]
    public async Task Each_attempt_is_logged_without_the_secret_the_query_or_the_body()
    {
        await Stage.RunAsync(await EventJobAsync(MailEventType.Received), CancellationToken.None);

        var entry = Assert.Single(_logger.Entries);
        Assert.Contains("https://hooks.test/in", entry.Message, StringComparison.Ordinal);
        Assert.Contains("200", entry.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("t0ps3cret", entry.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("whsec_key", entry.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hello", entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_message_above_MaxRawBytes_is_sent_without_raw_but_with_its_size()
    {
        _options.MaxRawBytes = 10;
        MailJob job = await EventJobAsync(MailEventType.Received);

        await Stage.RunAsync(job, CancellationToken.None);

        using var json = JsonDocument.Parse(Assert.Single(_poster.Requests).Body);
        Assert.False(json.RootElement.TryGetProperty("raw", out _));
        Assert.Equal(job.Blob.Size, json.RootElement.GetProperty("rawSize").GetInt64());
        Assert.Equal("hi", json.RootElement.GetProperty("headers").GetProperty("subject").GetString());
    }

    [Fact]
    public async Task An_outbound_event_carries_the_delivery_log_of_its_recipients()
    {
        MailJob job = (await EventJobAsync(MailEventType.Bounced)) with { Recipients = ["x@remote.test"] };
        await _log.RecordAsync(new DeliveryRecord("m1", "x@remote.test", DeliveryStatus.Failed, 1, "550 5.1.1 no such user", _clock.GetUtcNow()), CancellationToken.None);
        await _log.RecordAsync(new DeliveryRecord("m1", "y@remote.test", DeliveryStatus.Delivered, 1, "250 ok", _clock.GetUtcNow()), CancellationToken.None);

        await Stage.RunAsync(job, CancellationToken.None);

        using var json = JsonDocument.Parse(Assert.Single(_poster.Requests).Body);
        var recipient = Assert.Single(json.RootElement.GetProperty("recipients").EnumerateArray());
        Assert.Equal(("x@remote.test", "failed", "550 5.1.1 no such user"),
            (recipient.GetProperty("address").GetString(), recipient.GetProperty("status").GetString(), recipient.GetProperty("reply").GetString()));
    }

    [Fact]
    public async Task A_removed_subscription_drops_the_event_and_a_job_without_an_event_is_permanent()
    {
        MailJob job = await EventJobAsync(MailEventType.Received);
        await _store.RemoveAsync(_subscription.Id, CancellationToken.None);

        Assert.Equal(StageOutcome.Done, await Stage.RunAsync(job, CancellationToken.None));
        Assert.IsType<StageOutcome.Permanent>(await Stage.RunAsync(job with { Event = null }, CancellationToken.None));
        Assert.Empty(_poster.Requests);
    }

    [Fact]
    public async Task A_receiver_that_answers_410_Gone_is_unsubscribed_and_gets_no_further_events()
    {
        MailJob first = await EventJobAsync(MailEventType.Received);
        MailJob second = await EventJobAsync(MailEventType.Delivered);
        _poster.Status = 410;

        Assert.Equal(StageOutcome.Done, await Stage.RunAsync(first, CancellationToken.None));

        Assert.Null(await _store.GetAsync(_subscription.Id, CancellationToken.None));
        Assert.Contains(_logger.Entries, e => e.Message.Contains("410 Gone; the subscription was removed", StringComparison.Ordinal));
        Assert.Equal(StageOutcome.Done, await Stage.RunAsync(second, CancellationToken.None));
        Assert.Single(_poster.Requests);
    }

    [Fact]
    public async Task A_message_no_longer_stored_is_announced_with_null_headers()
    {
        MailJob job = await EventJobAsync(MailEventType.Delivered);
        await _blobs.DeleteAsync("m1", CancellationToken.None);

        Assert.Equal(StageOutcome.Done, await Stage.RunAsync(job, CancellationToken.None));

        using var json = JsonDocument.Parse(Assert.Single(_poster.Requests).Body);
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("headers").ValueKind);
    }

    [Fact]
    public async Task Without_a_poster_the_event_is_kept_and_retried()
    {
        var stage = new EventStage(_store, _blobs, _log, Microsoft.Extensions.Options.Options.Create(_options), _clock, _logger);

        var outcome = Assert.IsType<StageOutcome.Transient>(await stage.RunAsync(await EventJobAsync(MailEventType.Received), CancellationToken.None));

        Assert.Equal(EventStage.NoPosterReason, outcome.Reason);
    }

    [Theory]
    [InlineData(200, "done")]
    [InlineData(204, "done")]
    [InlineData(410, "done")]
    [InlineData(408, "transient")]
    [InlineData(429, "transient")]
    [InlineData(500, "transient")]
    [InlineData(503, "transient")]
    [InlineData(400, "permanent")]
    [InlineData(401, "permanent")]
    [InlineData(404, "permanent")]
    [InlineData(301, "permanent")]
    public void Answers_are_classified_by_status(int status, string expected)
    {
        StageOutcome outcome = EventStage.Classify(new WebhookResponse.Answered(status, null), TimeSpan.FromHours(1));

        Assert.Equal(expected, outcome switch
        {
            StageOutcome.Completed => "done",
            StageOutcome.Transient => "transient",
            StageOutcome.Permanent p when p.Reason.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal) => "permanent",
            _ => "?",
        });
    }

    [Fact]
    public void No_answer_is_transient_and_a_Retry_After_is_honoured_up_to_the_cap()
    {
        Assert.IsType<StageOutcome.Transient>(EventStage.Classify(new WebhookResponse.Failure("timeout"), TimeSpan.FromHours(1)));
        Assert.Equal(TimeSpan.FromMinutes(2),
            Assert.IsType<StageOutcome.Transient>(EventStage.Classify(new WebhookResponse.Answered(429, TimeSpan.FromMinutes(2)), TimeSpan.FromHours(1))).RetryAfter);
        Assert.Equal(TimeSpan.FromHours(1),
            Assert.IsType<StageOutcome.Transient>(EventStage.Classify(new WebhookResponse.Answered(503, TimeSpan.FromDays(2)), TimeSpan.FromHours(1))).RetryAfter);
    }

    /// <summary>Our seam <see cref="IWebhookPoster"/>: records requests and answers <see cref="Status"/> (200 unless set).</summary>
    private sealed class ScriptedPoster : IWebhookPoster
    {
        public List<WebhookRequest> Requests { get; } = [];

        public int Status { get; set; } = 200;

        public Task<WebhookResponse> PostAsync(WebhookRequest request, CancellationToken cancellationToken)
        {
            Requests.Add(request);
            return Task.FromResult<WebhookResponse>(new WebhookResponse.Answered(Status, null));
        }
    }
}
