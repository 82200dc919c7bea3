using System.Text.Json;
using CloudMail.Core.Blobs;
using CloudMail.Core.Delivery;
using CloudMail.Core.Events;
using CloudMail.Core.Pipeline;
using CloudMail.Core.Queue;
using CloudMail.Functions.Tests.Support;
using CloudMail.Storage.Azure.EventGrid;
using CloudMail.Storage.Azure.Queue;
using Microsoft.Extensions.DependencyInjection;

namespace CloudMail.Functions.Tests;

/// <summary>
/// Mail events published to Event Grid by the Functions app: real mail through the inbound, outbound and events functions
/// over the real pipeline, the real <see cref="EventGridSender"/> (the SDK's EventGridPublisherClient) posting over HTTPS
/// to <see cref="EventGridTopicStandIn"/>, a real HTTPS server on 127.0.18.1 that stands in for the topic (there is no
/// Event Grid emulator) and checks the bearer token of a stub credential.
/// </summary>
public sealed class EventGridEventsTests : IAsyncLifetime
{
    private EventGridTopicStandIn _topic = null!;
    private FunctionsHarness? _h;
    private readonly RecordingOutboundTransport _transport = new();

    public async Task InitializeAsync() => _topic = await EventGridTopicStandIn.StartAsync("127.0.18.1");

    public async Task DisposeAsync()
    {
        if (_h is not null) await _h.DisposeAsync();
        await _topic.DisposeAsync();
    }

    private async Task<FunctionsHarness> StartAsync(long? maxRawBytes = null, bool eventGrid = true)
    {
        var settings = new Dictionary<string, string?>();
        if (eventGrid) settings["CloudMail:Events:EventGrid:Endpoint"] = _topic.Endpoint;
        if (maxRawBytes is long max) settings["CloudMail:Events:MaxRawBytes"] = max.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _h = await FunctionsHarness.StartAsync(settings, services =>
        {
            services.AddSingleton(_topic.Connection);
            services.AddSingleton<IOutboundTransport>(_transport);
        });
        return _h;
    }

    [Fact]
    public async Task A_received_message_is_published_as_one_CloudEvent_per_domain_with_the_webhook_payload()
    {
        var h = await StartAsync();
        string alice = await h.NewUserAsync(), bob = await h.NewUserAsync();
        var job = await h.AcceptAsync("sender@remote.example", alice, bob);
        Assert.Equal("complete", (await h.RunInboundAsync(h.Message(job))).Single.Action);

        var eventJob = Assert.Single(await h.TakeVisibleAsync(QueueNames.Events));
        Assert.Equal("complete", (await h.RunEventsAsync(h.Message(eventJob))).Single.Action);

        JsonElement e = Assert.Single(_topic.Events);
        Assert.Empty(_topic.Rejected);
        Assert.Equal("1.0", e.GetProperty("specversion").GetString());
        Assert.Equal("CloudMail.Message.Received", e.GetProperty("type").GetString());
        Assert.Equal("/cloudmail", e.GetProperty("source").GetString());
        Assert.Equal($"/domains/{FunctionsHarness.Domain}/messages/{job.MessageId}", e.GetProperty("subject").GetString());
        Assert.Equal(EventJobs.EventId(eventJob.JobId), e.GetProperty("id").GetString());
        Assert.Equal("application/json", e.GetProperty("datacontenttype").GetString());
        JsonElement data = e.GetProperty("data");
        Assert.Equal("message.received", data.GetProperty("type").GetString());
        Assert.Equal(e.GetProperty("id").GetString(), data.GetProperty("id").GetString());
        Assert.Equal(job.MessageId, data.GetProperty("messageId").GetString());
        Assert.Equal([alice, bob], data.GetProperty("envelope").GetProperty("recipients").EnumerateArray().Select(r => r.GetString()).Order());
        Assert.Equal($"test {job.MessageId}", data.GetProperty("headers").GetProperty("subject").GetString());
        await using var stored = await h.Get<IMessageBlobStore>().OpenReadAsync(job.Blob.Id, CancellationToken.None);
        using var copy = new MemoryStream();
        await stored.CopyToAsync(copy);
        Assert.Equal(copy.ToArray(), data.GetProperty("raw").GetBytesFromBase64());
        Assert.Equal(DateTimeOffset.Parse(data.GetProperty("timestamp").GetString()!, System.Globalization.CultureInfo.InvariantCulture),
            e.GetProperty("time").GetDateTimeOffset());
        Assert.All(_topic.Credential.ScopesRequested, s => Assert.Equal(EventGridTopicStandIn.Scope, s));
        Assert.NotEmpty(_topic.Credential.ScopesRequested);
    }

    [Fact]
    public async Task A_message_above_MaxRawBytes_is_published_with_its_size_and_without_raw_MIME()
    {
        var h = await StartAsync(maxRawBytes: 16);
        string user = await h.NewUserAsync();
        var job = await h.AcceptAsync("sender@remote.example", user);
        await h.RunInboundAsync(h.Message(job));
        await h.RunEventsAsync(h.Message(Assert.Single(await h.TakeVisibleAsync(QueueNames.Events))));

        JsonElement data = Assert.Single(_topic.Events).GetProperty("data");
        Assert.Equal(job.Blob.Size, data.GetProperty("rawSize").GetInt64());
        Assert.False(data.TryGetProperty("raw", out _));
    }

    [Fact]
    public async Task A_503_from_the_topic_is_retried_by_the_queue_with_backoff_and_published_on_the_retry()
    {
        var h = await StartAsync();
        _topic.Script(503);
        var job = await h.AcceptAsync("sender@remote.example", await h.NewUserAsync());
        await h.RunInboundAsync(h.Message(job));
        var eventJob = Assert.Single(await h.TakeVisibleAsync(QueueNames.Events));

        Assert.Equal("complete", (await h.RunEventsAsync(h.Message(eventJob))).Single.Action);
        Assert.Empty(_topic.Events);
        Assert.Equal(1, _topic.Requests); // the SDK does not retry by itself: the queue does
        var retry = Assert.Single(h.RetriesSent(QueueNames.Events));
        Assert.True(retry.ScheduledEnqueueTime > h.Clock.GetUtcNow(), "the retry waits out the backoff");
        Assert.Contains("Event Grid topic answered 503", (string)retry.ApplicationProperties[ServiceBusJobMessages.RetryReasonProperty]);

        Assert.Equal("complete", (await h.RunEventsAsync(FunctionsHarness.Received(retry))).Single.Action);
        Assert.Equal(EventJobs.EventId(eventJob.JobId), Assert.Single(_topic.Events).GetProperty("id").GetString());
    }

    [Fact]
    public async Task A_400_from_the_topic_is_permanent_and_dead_letters_the_event()
    {
        var h = await StartAsync();
        _topic.Script(400);
        var job = await h.AcceptAsync("sender@remote.example", await h.NewUserAsync());
        await h.RunInboundAsync(h.Message(job));

        var settled = (await h.RunEventsAsync(h.Message(Assert.Single(await h.TakeVisibleAsync(QueueNames.Events))))).Single;

        Assert.Equal("deadletter", settled.Action);
        Assert.Contains("Event Grid topic answered 400", settled.Description ?? settled.Reason);
        Assert.Empty(h.RetriesSent(QueueNames.Events));
    }

    [Fact]
    public async Task A_delivered_outbound_message_of_a_local_user_is_published_for_the_senders_domain()
    {
        var h = await StartAsync();
        string sender = await h.NewUserAsync();
        var accepted = await h.AcceptAsync(sender, "friend@remote.example");
        var job = accepted with
        {
            JobId = accepted.MessageId + ":outbound",
            Recipients = ["friend@remote.example"],
            Envelope = accepted.Envelope with { AuthenticatedUser = sender },
        };
        Assert.Equal("complete", (await h.RunOutboundAsync(h.Message(job))).Single.Action);

        var eventJob = Assert.Single(await h.TakeVisibleAsync(QueueNames.Events));
        Assert.Equal("complete", (await h.RunEventsAsync(h.Message(eventJob))).Single.Action);

        JsonElement e = Assert.Single(_topic.Events);
        Assert.Equal("CloudMail.Message.Delivered", e.GetProperty("type").GetString());
        Assert.Equal($"/domains/{FunctionsHarness.Domain}/messages/{job.MessageId}", e.GetProperty("subject").GetString());
        JsonElement recipient = Assert.Single(e.GetProperty("data").GetProperty("recipients").EnumerateArray().ToList());
        Assert.Equal(("friend@remote.example", "delivered"), (recipient.GetProperty("address").GetString(), recipient.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task Without_the_endpoint_setting_nothing_is_queued_for_Event_Grid()
    {
        var h = await StartAsync(eventGrid: false);
        var job = await h.AcceptAsync("sender@remote.example", await h.NewUserAsync());

        Assert.Equal("complete", (await h.RunInboundAsync(h.Message(job))).Single.Action);

        Assert.Empty(await h.TakeVisibleAsync(QueueNames.Events));
        Assert.Null(h.Get<IServiceProvider>().GetService<IEventGridSender>());
        Assert.Equal(0, _topic.Requests);
    }
}
