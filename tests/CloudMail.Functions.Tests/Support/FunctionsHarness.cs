using Microsoft.Extensions.DependencyInjection.Extensions;
using System.Text;
using Azure.Messaging.ServiceBus;
using CloudMail.Core.Blobs;
using CloudMail.Core.Directory;
using CloudMail.Core.Intake;
using CloudMail.Core.Mailboxes;
using CloudMail.Core.Messages;
using CloudMail.Core.Pipeline;
using CloudMail.Core.Queue;
using CloudMail.Functions.Triggers;
using CloudMail.Storage.Azure.Queue;
using CloudMail.Storage.Embedded;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CloudMail.Functions.Tests.Support;

/// <summary>
/// The Functions app's services as <see cref="FunctionsServiceCollectionExtensions.AddCloudMailFunctionServices"/>
/// registers them, over the REAL embedded storage (files + SQLite in a temp folder, its intake outbox included) instead of
/// Azure, with a manual clock, a blob store that can be told to fail, and the retry copies captured at the Service Bus
/// SDK seam (<see cref="CapturingServiceBusClient"/>) by the real <see cref="ServiceBusRetrySender"/>. The functions are
/// constructed from it and called directly, as the Functions host would call them, with Service Bus messages in the
/// storage adapter's format (<see cref="ServiceBusJobMessages"/>) built by the SDK's <see cref="ServiceBusModelFactory"/>.
/// </summary>
public sealed class FunctionsHarness : IAsyncDisposable
{
    public const string Domain = "example.test";

    private readonly ServiceProvider _services;

    private FunctionsHarness(ServiceProvider services, string folder, CapturingServiceBusClient serviceBus)
    {
        _services = services;
        Folder = folder;
        ServiceBus = serviceBus;
    }

    public string Folder { get; }

    public ManualClock Clock => Get<ManualClock>();

    public FlakyBlobStore Blobs => Get<FlakyBlobStore>();

    public IIntakeOutbox Outbox => Get<IIntakeOutbox>();

    /// <summary>The Service Bus client the retry copies go to.</summary>
    public CapturingServiceBusClient ServiceBus { get; }

    /// <summary>The app's queue (producer side, decorated with intake markers).</summary>
    public IMailQueue Queue => Get<IMailQueue>();

    /// <summary>
    /// Starts a harness; <paramref name="configure"/> replaces registrations (after the app's own). The app's SMTP
    /// transport is removed first, so remote delivery is off unless <paramref name="configure"/> registers a transport.
    /// </summary>
    public static async Task<FunctionsHarness> StartAsync(IDictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null)
    {
        string folder = Path.Combine(Path.GetTempPath(), "cloudmail-functions-" + Guid.NewGuid().ToString("N"));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        services.AddSingleton(clock);
        services.AddSingleton<TimeProvider>(clock);
        services.AddCloudMailEmbeddedStorage(folder);
        services.AddCloudMailEmbeddedApiKeys(folder);
        var embeddedBlobs = services.Last(d => d.ServiceType == typeof(IMessageBlobStore));
        services.Remove(embeddedBlobs);
        services.AddSingleton(sp => new FlakyBlobStore((IMessageBlobStore)embeddedBlobs.ImplementationFactory!(sp)));
        services.AddSingleton<IMessageBlobStore>(sp => sp.GetRequiredService<FlakyBlobStore>());
        var serviceBus = new CapturingServiceBusClient();
        services.AddSingleton(new ServiceBusRetrySender(serviceBus));
        services.AddCloudMailFunctionServices(configuration);
        services.AddSingleton<InboundFunction>();
        services.AddSingleton<OutboundFunction>();
        services.AddSingleton<EventsFunction>();
        services.AddSingleton<StuckIntakeTimerFunction>();
        services.AddSingleton<StuckOutboundTimerFunction>();
        services.AddSingleton<MessageReclaimTimerFunction>();
        services.AddSingleton<RetentionTimerFunction>();
        services.AddSingleton<SendApiFunctions>();
        services.AddSingleton<AdminApiFunction>();
        // No SMTP transport unless the test registers one: the harness never reaches for real DNS or remote servers.
        services.RemoveAll<CloudMail.Core.Delivery.IOutboundTransport>();
        configure?.Invoke(services);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        var harness = new FunctionsHarness(provider, folder, serviceBus);
        await harness.Get<IMailDirectory>().AddDomainAsync(Domain, CancellationToken.None);
        return harness;
    }

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    /// <summary>A new local account with its default mailboxes (INBOX...).</summary>
    public async Task<string> NewUserAsync()
    {
        string address = await NewAccountWithoutMailboxesAsync();
        await Get<IMailboxIndex>().EnsureDefaultMailboxesAsync(address, CancellationToken.None);
        return address;
    }

    /// <summary>A half-created account: in the directory, but without mailboxes (so INBOX appends fail transiently).</summary>
    public async Task<string> NewAccountWithoutMailboxesAsync()
    {
        string address = "u" + Guid.NewGuid().ToString("N")[..12] + "@" + Domain;
        await Get<IMailDirectory>().AddAccountAsync(address, "not-a-real-hash", CancellationToken.None);
        return address;
    }

    /// <summary>Stores a message in the blob store as the accept path would and returns its inbound job (not enqueued).</summary>
    public async Task<MailJob> AcceptAsync(string mailFrom, params string[] recipients)
    {
        string id = MessageIds.New();
        byte[] bytes = Encoding.ASCII.GetBytes(
            $"From: <{mailFrom}>\r\nTo: <{recipients[0]}>\r\nSubject: test {id}\r\nMessage-ID: <{id}@{Domain}>\r\n\r\nHello from the Functions tests.\r\n");
        await using var writer = Get<IMessageBlobStore>().CreateWriter(id);
        await writer.WriteAsync(bytes, CancellationToken.None);
        var blob = await writer.CommitAsync(CancellationToken.None);
        var envelope = new Envelope(mailFrom, recipients, null, "192.0.2.10", "client.example", Clock.GetUtcNow());
        return new MailJob(id, id, blob, envelope);
    }

    /// <summary>The Service Bus message CloudMail's queue adapter would deliver for the first enqueue of <paramref name="job"/>.</summary>
    public ServiceBusReceivedMessage Message(MailJob job, int deliveryCount = 1) =>
        Received(ServiceBusJobMessages.ForEnqueue(job, Clock.GetUtcNow()), deliveryCount);

    /// <summary>What the broker would deliver for <paramref name="sent"/> (e.g. a captured retry copy).</summary>
    public static ServiceBusReceivedMessage Received(ServiceBusMessage sent, int deliveryCount = 1) =>
        ServiceBusModelFactory.ServiceBusReceivedMessage(body: sent.Body, messageId: sent.MessageId, contentType: sent.ContentType,
            properties: sent.ApplicationProperties, deliveryCount: deliveryCount, lockTokenGuid: Guid.NewGuid());

    public static ServiceBusReceivedMessage Message(BinaryData body, string messageId, int deliveryCount = 1) =>
        ServiceBusModelFactory.ServiceBusReceivedMessage(body: body, messageId: messageId, deliveryCount: deliveryCount,
            lockTokenGuid: Guid.NewGuid(), contentType: "application/json");

    /// <summary>The retry copies sent to <paramref name="queue"/> so far, oldest first.</summary>
    public IReadOnlyList<ServiceBusMessage> RetriesSent(string queue) => [.. ServiceBus.Sent.Where(s => s.Queue == queue).Select(s => s.Message)];

    /// <summary>Every intake marker in the outbox.</summary>
    public Task<IReadOnlyList<IntakeMarker>> MarkersAsync() => Outbox.ListRecordedBeforeAsync(DateTimeOffset.MaxValue, 1000, CancellationToken.None);

    /// <summary>Runs the inbound function on <paramref name="message"/> and returns how it was settled.</summary>
    public async Task<RecordingMessageActions> RunInboundAsync(ServiceBusReceivedMessage message)
    {
        var actions = new RecordingMessageActions();
        await Get<InboundFunction>().RunAsync([message], actions, CancellationToken.None);
        return actions;
    }

    public async Task<RecordingMessageActions> RunOutboundAsync(ServiceBusReceivedMessage message)
    {
        var actions = new RecordingMessageActions();
        await Get<OutboundFunction>().RunAsync(message, actions, CancellationToken.None);
        return actions;
    }

    public async Task<RecordingMessageActions> RunEventsAsync(ServiceBusReceivedMessage message)
    {
        var actions = new RecordingMessageActions();
        await Get<EventsFunction>().RunAsync(message, actions, CancellationToken.None);
        return actions;
    }

    /// <summary>Every job visible on <paramref name="queue"/> now (leased from the embedded queue underneath, so they are taken out of view).</summary>
    public async Task<IReadOnlyList<MailJob>> TakeVisibleAsync(string queue) =>
        (await Get<ILeasedMailQueue>().LeaseAsync(queue, 100, TimeSpan.FromHours(1), CancellationToken.None)).Select(l => l.Job).ToList();

    public Task<IReadOnlyList<MessageRecord>> InboxAsync(string account) =>
        Get<IMailboxIndex>().GetMessagesAsync(account, DefaultMailboxes.Inbox, CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        try { System.IO.Directory.Delete(Folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
