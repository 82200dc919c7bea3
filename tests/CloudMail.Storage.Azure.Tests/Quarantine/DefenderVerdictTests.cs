using Azure.Storage.Blobs;
using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Directory;
using CloudMail.Core.Mailboxes;
using CloudMail.Core.Pipeline;
using CloudMail.Core.Queue;
using CloudMail.Core.Quarantine;
using CloudMail.Storage.Azure.Blobs;
using CloudMail.Storage.Azure.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CloudMail.Storage.Azure.Tests.Quarantine;

/// <summary>
/// <c>CloudMail:Antivirus:DefenderForStorage</c> on Azurite: the inbound stage (as the Functions app runs it) holds every
/// message until the blob carries Defender for Storage's verdict tag, then delivers or quarantines it. Defender itself
/// does not run here: the test writes the tag Defender writes (key and values as Microsoft documents them), which is
/// the only thing CloudMail reads of it. Service Bus is the test's queue stand-in (no emulator).
/// </summary>
public sealed class DefenderVerdictTests : IAsyncLifetime
{
    private readonly CancellationToken _ct = new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;
    private readonly RecordingQueue _queue = new();
    private ServiceProvider _services = null!;
    private string _account = "";

    public async Task InitializeAsync()
    {
        _services = await AzurePipelineHost.BuildAsync(_queue, settings:
            [("CloudMail:Antivirus:DefenderForStorage", "true"), ("CloudMail:Antivirus:NotifyAdmin", "none")]);
        string domain = "defender-" + Guid.NewGuid().ToString("N")[..10] + ".test";
        _account = "user@" + domain;
        await Get<IMailDirectory>().AddDomainAsync(domain, _ct);
        await Get<IMailDirectory>().AddAccountAsync(_account, "hash", _ct);
        await Get<IMailboxIndex>().EnsureDefaultMailboxesAsync(_account, _ct);
    }

    public async Task DisposeAsync() => await _services.DisposeAsync();

    private T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    [Fact]
    public async Task A_message_waits_for_the_verdict_and_is_delivered_once_Defender_found_no_threats()
    {
        MailJob job = await AcceptAsync();

        var first = new RecordingSettlement();
        await Get<StageRunner>().RunAsync(Get<InboundStage>(), job, 1, first, _ct);
        Assert.Equal(["retry"], first.Actions);
        Assert.Empty(await Get<IMailboxIndex>().GetMessagesAsync(_account, DefaultMailboxes.Inbox, _ct));
        Assert.Equal(DeliveryStatus.Deferred, (await Get<IDeliveryLog>().GetAsync(job.MessageId, _ct)).Single().Status);

        await TagAsync(job, "No threats found");
        var second = new RecordingSettlement();
        await Get<StageRunner>().RunAsync(Get<InboundStage>(), job, 2, second, _ct);

        Assert.Equal(["complete"], second.Actions);
        Assert.Single(await Get<IMailboxIndex>().GetMessagesAsync(_account, DefaultMailboxes.Inbox, _ct));
        DeliveryRecord delivered = (await Get<IDeliveryLog>().GetAsync(job.MessageId, _ct)).Single();
        Assert.Equal(DeliveryStatus.Delivered, delivered.Status);
    }

    [Fact]
    public async Task A_message_Defender_found_malicious_is_quarantined_and_never_delivered()
    {
        MailJob job = await AcceptAsync();
        await TagAsync(job, "Malicious");

        var settlement = new RecordingSettlement();
        await Get<StageRunner>().RunAsync(Get<InboundStage>(), job, 1, settlement, _ct);

        Assert.Equal(["complete"], settlement.Actions);
        Assert.Empty(await Get<IMailboxIndex>().GetMessagesAsync(_account, DefaultMailboxes.Inbox, _ct));
        QuarantineEntry entry = Assert.IsType<QuarantineEntry>(await Get<IQuarantineStore>().GetAsync(job.MessageId, _ct));
        Assert.Equal(DefenderScanVerdicts.MaliciousSignature, entry.Signature);
        Assert.Equal(DeliveryStatus.Quarantined, (await Get<IDeliveryLog>().GetAsync(job.MessageId, _ct)).Single().Status);
    }

    [Fact]
    public async Task A_message_released_from_quarantine_is_delivered_without_waiting_for_Defender_again()
    {
        MailJob job = await AcceptAsync();
        await TagAsync(job, "Malicious");
        await Get<StageRunner>().RunAsync(Get<InboundStage>(), job, 1, new RecordingSettlement(), _ct);

        Assert.True(await Get<QuarantineAdministration>().ReleaseAsync(job.MessageId, _ct));
        MailJob released = Assert.IsType<MailJob>(_queue.Last);
        var settlement = new RecordingSettlement();
        await Get<StageRunner>().RunAsync(Get<InboundStage>(), released, 1, settlement, _ct);

        Assert.Equal(["complete"], settlement.Actions);
        Assert.Single(await Get<IMailboxIndex>().GetMessagesAsync(_account, DefaultMailboxes.Inbox, _ct));
    }

    [Theory]
    [InlineData(null, "Unavailable")]
    [InlineData("No threats found", "Clean")]
    [InlineData("Malicious", "Infected")]
    [InlineData("Not scanned", "NotScanned")]
    [InlineData("SAM259201: Scan failed - internal service error.", "Unavailable")]
    public void Each_documented_tag_value_has_its_verdict(string? tag, string verdict) =>
        Assert.Equal(verdict, DefenderScanVerdicts.Interpret(tag).GetType().Name);

    private Task<MailJob> AcceptAsync() => AzurePipelineHost.AcceptAsync(_services, _account, "scan me", _ct);

    /// <summary>Writes the index tag Defender for Storage writes after scanning the blob.</summary>
    private async Task TagAsync(MailJob job, string result)
    {
        BlobContainerClient container = Get<CloudMailAzureClients>().MessagesContainer;
        await container.GetBlobClient(SpreadKeys.BlobName(job.Blob.Id)).SetTagsAsync(
            new Dictionary<string, string> { [DefenderScanVerdicts.ResultTag] = result, ["Malware Scanning scan time UTC"] = "2026-12-04 12:00:00Z" },
            cancellationToken: _ct);
    }
}
