using System.Text;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using CloudMail.Core.Blobs;
using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Directory;
using CloudMail.Core.Mailboxes;
using CloudMail.Core.Messages;
using CloudMail.Core.Pipeline;
using CloudMail.Core.Queue;
using CloudMail.Storage.Azure.Blobs;
using CloudMail.Storage.Azure.DeliveryLog;
using CloudMail.Storage.Azure.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudMail.Storage.Azure.Tests.Failures;

/// <summary>
/// The Azure fault mapping proved on the pipeline, not only on single adapters: the inbound stage, run by Core's
/// <see cref="StageRunner"/> over the Azure backend registered as the hosts register it (on Azurite), with an HTTP pipeline
/// policy in the blob client (and one in the delivery log's table client) that answers in the service's place
/// (<see cref="ScriptedFaultPolicy"/>; the SDK's own retries are off so the first answer reaches CloudMail). Throttling and unavailability become a scheduled retry with
/// backoff, and the next delivery routes the message once the service answers; a permanent refusal dead-letters at once
/// with a reason. Service Bus settlement is recorded (<see cref="RecordingSettlement"/>): there is no Service Bus emulator.
/// </summary>
public sealed class PipelineFaultTests : IAsyncLifetime
{
    private readonly ScriptedFaultPolicy _faults = new();
    private readonly ScriptedFaultPolicy _logFaults = new();
    private readonly CancellationToken _ct = new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        var clients = await Azurite.ClientsAsync();
        var configuration = Azurite.Configuration(
            (AzureResourceNames.ServiceBusConnection.Name, "Endpoint=sb://cloudmail-test.servicebus.windows.net/;SharedAccessKeyName=test;SharedAccessKey=dGVzdA=="),
            ("CloudMail:Pipeline:RetryBaseDelay", "00:01:00"));
        var services = new ServiceCollection().AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton(configuration);
        services.AddCloudMailAzureStorage(configuration);
        // The blob store as registered, over a client whose pipeline carries the injected faults.
        var options = new BlobClientOptions();
        options.Retry.MaxRetries = 0;
        options.AddPolicy(_faults, HttpPipelinePosition.PerRetry);
        BlobContainerClient faulty = clients.StorageConnection.CreateBlobServiceClient(options).GetBlobContainerClient(AzureResourceNames.MessagesContainer);
        services.AddSingleton<IMessageBlobStore>(sp => new AzureMessageBlobStore(faulty, sp.GetRequiredService<IOptions<AzureStorageOptions>>().Value,
            sp.GetRequiredService<ILogger<AzureMessageBlobStore>>()));
        // And the delivery log over a table client carrying faults of its own.
        var tableOptions = new TableClientOptions();
        tableOptions.Retry.MaxRetries = 0;
        tableOptions.AddPolicy(_logFaults, HttpPipelinePosition.PerRetry);
        var log = new AzureDeliveryLog(clients.StorageConnection.CreateTableServiceClient(tableOptions).GetTableClient(AzureResourceNames.Tables.DeliveryLog));
        services.AddSingleton<IDeliveryLog>(log);
        services.AddCloudMailPipeline(configuration);
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    public async Task DisposeAsync() => await _services.DisposeAsync();

    private T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    /// <summary>A new account with its mailboxes and a message for it stored, and the message's inbound job.</summary>
    private async Task<(string Account, MailJob Job)> AcceptedMessageAsync()
    {
        string domain = "faults-" + Guid.NewGuid().ToString("N")[..10] + ".test";
        string account = "user@" + domain;
        await Get<IMailDirectory>().AddDomainAsync(domain, _ct);
        await Get<IMailDirectory>().AddAccountAsync(account, "not-a-real-hash", _ct);
        await Get<IMailboxIndex>().EnsureDefaultMailboxesAsync(account, _ct);
        string id = MessageIds.New();
        await using var writer = Get<IMessageBlobStore>().CreateWriter(id);
        await writer.WriteAsync(Encoding.ASCII.GetBytes($"From: <a@remote.test>\r\nTo: <{account}>\r\nSubject: faults\r\n\r\nbody\r\n"), _ct);
        BlobRef blob = await writer.CommitAsync(_ct);
        var envelope = new Envelope("a@remote.test", [account], null, "192.0.2.7", "client.remote.test", DateTimeOffset.UtcNow);
        return (account, new MailJob(id, id, blob, envelope));
    }

    private Task<Settlement> RunInboundAsync(MailJob job, int deliveryCount, RecordingSettlement settlement) =>
        Get<StageRunner>().RunAsync(Get<InboundStage>(), job, deliveryCount, settlement, _ct);

    [Theory]
    [InlineData(503)]
    [InlineData(429)]
    public async Task Throttling_or_unavailability_schedules_a_retry_with_backoff_and_the_next_delivery_routes_the_message(int status)
    {
        var (account, job) = await AcceptedMessageAsync();
        var first = new RecordingSettlement();
        _faults.Status = status;

        var settlement = await RunInboundAsync(job, 1, first);

        var retry = Assert.IsType<Settlement.Retry>(settlement);
        Assert.InRange(retry.Delay, TimeSpan.FromSeconds(54), TimeSpan.FromSeconds(66)); // RetryBaseDelay ±10 % jitter
        Assert.Contains("TransientStorageException", retry.Reason, StringComparison.Ordinal);
        Assert.Equal(["retry"], first.Actions);
        Assert.True(_faults.Failed >= 1);
        Assert.Empty(await Get<IMailboxIndex>().GetMessagesAsync(account, DefaultMailboxes.Inbox, _ct));

        _faults.Status = 0; // the service answers again
        var second = new RecordingSettlement();
        Assert.IsType<Settlement.Complete>(await RunInboundAsync(job, 2, second));

        Assert.Equal(["complete"], second.Actions);
        Assert.Single(await Get<IMailboxIndex>().GetMessagesAsync(account, DefaultMailboxes.Inbox, _ct));
    }

    [Fact]
    public async Task A_permanent_refusal_dead_letters_at_once_with_a_reason()
    {
        var (_, job) = await AcceptedMessageAsync();
        var settlement = new RecordingSettlement();
        _logFaults.Status = 403; // e.g. the identity lost its role on the table: retrying cannot fix it

        var dead = Assert.IsType<Settlement.DeadLetter>(await RunInboundAsync(job, 1, settlement));

        Assert.Equal(DeadLetterReasons.Failed, dead.Reason);
        Assert.Contains("RequestFailedException", dead.Description, StringComparison.Ordinal);
        Assert.Contains("403", dead.Description, StringComparison.Ordinal);
        Assert.Equal(["dead-letter failed"], settlement.Actions);
        Assert.True(_logFaults.Failed >= 1);
        _logFaults.Status = 0;
        Assert.Empty(await Get<IDeliveryLog>().GetAsync(job.MessageId, _ct));
    }

    [Fact]
    public async Task A_throttled_table_write_later_in_the_stage_is_retried_too_not_dead_lettered()
    {
        var (account, job) = await AcceptedMessageAsync();
        _logFaults.Status = 429;

        var retry = Assert.IsType<Settlement.Retry>(await RunInboundAsync(job, 1, new RecordingSettlement()));
        Assert.Equal(1, retry.Number);

        _logFaults.Status = 0;
        Assert.IsType<Settlement.Complete>(await RunInboundAsync(job, 2, new RecordingSettlement()));
        // The redelivery appended nothing twice (the append is keyed by message id) and logged the delivery.
        Assert.Single(await Get<IMailboxIndex>().GetMessagesAsync(account, DefaultMailboxes.Inbox, _ct));
        Assert.Single(await Get<IDeliveryLog>().GetAsync(job.MessageId, _ct));
    }
}
