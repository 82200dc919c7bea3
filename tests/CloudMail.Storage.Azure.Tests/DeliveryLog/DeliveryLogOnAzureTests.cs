using Azure.Data.Tables;
using CloudMail.ContractTests;
using CloudMail.Core.DeliveryLog;
using CloudMail.Storage.Azure.DeliveryLog;
using CloudMail.Storage.Azure.Tests.Support;

namespace CloudMail.Storage.Azure.Tests.DeliveryLog;

/// <summary>How the delivery log keys its rows in the Table (on Azurite).</summary>
public sealed class DeliveryLogOnAzureTests(AzuriteFixture fixture) : IClassFixture<AzuriteFixture>
{
    private readonly CancellationToken _ct = new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    private TableClient Table => fixture.Table(AzureResourceNames.Tables.DeliveryLog);

    [Fact]
    public async Task A_message_s_records_and_attempts_live_in_a_partition_with_a_spread_prefix()
    {
        string id = Unique.MessageId();
        DateTimeOffset now = TestData.Now();
        await new AzureDeliveryLog(Table).RecordAsync(new DeliveryRecord(id, "a@b.test", DeliveryStatus.Delivered, 1, "250 ok", now), _ct);

        var rows = new List<(string Partition, string Row)>();
        await foreach (var row in Table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"MessageId eq {id}"), cancellationToken: _ct))
            rows.Add((row.PartitionKey, row.RowKey));
        string partition = Assert.Single(rows.Select(r => r.Partition).Distinct());
        Assert.Equal(SpreadKeys.Prefix(id) + "-" + id, partition);
        Assert.Equal(["a@b.test", $"attempt:a@b.test:{now.UtcTicks:D19}:Delivered"], rows.Select(r => r.Row).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Records_written_under_the_bare_message_id_before_the_prefix_are_still_read()
    {
        string id = Unique.MessageId();
        await Table.AddEntityAsync(new TableEntity(id, "old@b.test")
        {
            ["MessageId"] = id, ["Recipient"] = "old@b.test", ["Status"] = nameof(DeliveryStatus.Deferred), ["Attempts"] = 2,
            ["LastReply"] = "451 later", ["UpdatedAtTicks"] = TestData.Now().UtcTicks,
        }, _ct);

        var record = Assert.Single(await new AzureDeliveryLog(Table).GetAsync(id, _ct));

        Assert.Equal((id, "old@b.test", DeliveryStatus.Deferred, 2, "451 later"), (record.MessageId, record.Recipient, record.Status, record.Attempts, record.LastReply));
    }
}
