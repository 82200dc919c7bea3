using Azure.Core.Pipeline;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure;
using CloudMail.Core.Delivery;
using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Failures;
using CloudMail.Storage.Azure.Blobs;
using CloudMail.Storage.Azure.Connections;
using CloudMail.Storage.Azure.DeliveryLog;
using CloudMail.Storage.Azure.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace CloudMail.Storage.Azure.Tests.Failures;

/// <summary>
/// The Azure adapters over clients made by <see cref="AzureStorageConnection"/> (as the registration makes them), against
/// Azurite, with an <see cref="HttpPipelinePolicy"/> in the client options that answers in the service's place: a
/// throttling or unavailable answer makes the adapter throw <see cref="TransientStorageException"/>; any other failure
/// stays what the SDK throws; and without the policy the same clients reach Azurite normally.
/// </summary>
public sealed class TransientFailureMappingTests(AzuriteFixture fixture) : IClassFixture<AzuriteFixture>
{
    private readonly CancellationToken _ct = new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    [Theory]
    [InlineData(503)]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(408)]
    public async Task A_transient_table_answer_makes_the_delivery_log_throw_TransientStorageException(int status)
    {
        var injected = new FailingStatusPolicy(status);
        var log = new AzureDeliveryLog(TableWith(injected));

        var thrown = await Assert.ThrowsAsync<TransientStorageException>(() => log.RecordAsync(Record(), _ct));

        Assert.Equal(status, Assert.IsType<RequestFailedException>(thrown.InnerException).Status);
        Assert.True(FailureClassification.IsTransient(thrown));
        Assert.True(injected.Requests >= 1);
    }

    [Theory]
    [InlineData(503)]
    [InlineData(429)]
    public async Task A_transient_blob_answer_makes_the_blob_store_throw_TransientStorageException(int status)
    {
        var store = new AzureMessageBlobStore(ContainerWith(new FailingStatusPolicy(status)), fixture.Options, NullLogger<AzureMessageBlobStore>.Instance);

        var thrown = await Assert.ThrowsAsync<TransientStorageException>(() => store.ExistsAsync("0000000000000000000000000001", _ct));

        Assert.Equal(status, Assert.IsType<RequestFailedException>(thrown.InnerException).Status);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(403)]
    public async Task Other_failures_stay_what_the_SDK_throws_and_are_not_transient(int status)
    {
        var log = new AzureDeliveryLog(TableWith(new FailingStatusPolicy(status)));

        var thrown = await Assert.ThrowsAsync<RequestFailedException>(() => log.RecordAsync(Record(), _ct));

        Assert.Equal(status, thrown.Status);
        Assert.False(FailureClassification.IsTransient(thrown));
    }

    [Fact]
    public async Task Without_injected_failures_the_mapped_clients_reach_Azurite()
    {
        var log = new AzureDeliveryLog(fixture.Clients.StorageConnection.CreateTableServiceClient().GetTableClient(AzureResourceNames.Tables.DeliveryLog));
        DeliveryRecord record = Record();

        await log.RecordAsync(record, _ct);

        Assert.Equal(record.Recipient, Assert.Single(await log.GetAsync(record.MessageId, _ct)).Recipient);
    }

    [Theory]
    [InlineData(503, true)]
    [InlineData(429, true)]
    [InlineData(504, true)]
    [InlineData(404, false)]
    [InlineData(409, false)]
    [InlineData(412, false)]
    public void Request_failures_are_transient_by_status(int status, bool transient)
    {
        Assert.Equal(transient, AzureFailures.IsTransient(new RequestFailedException(status, "injected")));
        Assert.Equal(transient, AzureFailures.IsTransient(new AggregateException(new RequestFailedException(status, "a"), new RequestFailedException(status, "b"))));
    }

    private TableClient TableWith(HttpPipelinePolicy injected)
    {
        var options = new TableClientOptions();
        options.Retry.MaxRetries = 0;
        options.AddPolicy(injected, HttpPipelinePosition.PerRetry);
        return fixture.Clients.StorageConnection.CreateTableServiceClient(options).GetTableClient(AzureResourceNames.Tables.DeliveryLog);
    }

    private BlobContainerClient ContainerWith(HttpPipelinePolicy injected)
    {
        var options = new BlobClientOptions();
        options.Retry.MaxRetries = 0;
        options.AddPolicy(injected, HttpPipelinePosition.PerRetry);
        return fixture.Clients.StorageConnection.CreateBlobServiceClient(options).GetBlobContainerClient(AzureResourceNames.MessagesContainer);
    }

    private static DeliveryRecord Record() =>
        new("m" + Guid.NewGuid().ToString("N"), "rcpt@example.test", DeliveryStatus.Delivered, 1, "250 ok", DateTimeOffset.UtcNow);
}
