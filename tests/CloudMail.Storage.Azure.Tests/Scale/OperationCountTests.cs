using CloudMail.Core.Blobs;
using CloudMail.Core.Directory;
using CloudMail.Core.Mailboxes;
using CloudMail.Core.Pipeline;
using CloudMail.Core.Queue;
using CloudMail.Storage.Azure.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CloudMail.Storage.Azure.Tests.Scale;

/// <summary>
/// How many Blob and Table operations one message costs on the Azure backend (docs/azure-scale.md takes its numbers
/// from here): the accept path as the listener runs it (blob, intake marker, job) and the inbound stage delivering to
/// one local mailbox, counted by a policy in the clients' pipelines on Azurite. Service Bus operations are counted as
/// queue calls (no emulator): one send per accepted message.
/// </summary>
public sealed class OperationCountTests : IAsyncLifetime
{
    private readonly CountingPolicy _counter = new();
    private readonly CancellationToken _ct = new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;
    private readonly RecordingQueue _queue = new();
    private ServiceProvider _services = null!;

    public async Task InitializeAsync() => _services = await AzurePipelineHost.BuildAsync(_queue, _counter, intakeMarkers: true);

    public async Task DisposeAsync() => await _services.DisposeAsync();

    private T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    [Fact]
    public async Task Accepting_a_message_and_delivering_it_to_one_mailbox_costs_a_known_number_of_operations()
    {
        string domain = "ops-" + Guid.NewGuid().ToString("N")[..10] + ".test";
        string account = "user@" + domain;
        await Get<IMailDirectory>().AddDomainAsync(domain, _ct);
        await Get<IMailDirectory>().AddAccountAsync(account, "hash", _ct);
        await Get<IMailboxIndex>().EnsureDefaultMailboxesAsync(account, _ct);
        // A first message warms what a real deployment has warm (the account's mailbox rows); the second is counted.
        await AcceptAndDeliverAsync(account);

        _counter.Reset();
        var job = await AcceptAsync(account);
        var accept = _counter.Counts;
        _counter.Reset();
        var settlement = new RecordingSettlement();
        await Get<StageRunner>().RunAsync(Get<InboundStage>(), job, 1, settlement, _ct);
        var inbound = _counter.Counts;

        Assert.Equal(["complete"], settlement.Actions);
        File.WriteAllText(Path.Combine(AppContext.BaseDirectory, "operation-counts.txt"),
            $"accept: {Format(accept)}\ninbound: {Format(inbound)}\n");
        // docs/azure-scale.md lists these numbers: change both together.
        Assert.Equal(new SortedDictionary<string, int>(StringComparer.Ordinal) { ["blob PUT"] = 1, ["table PUT"] = 1 }, accept);
        Assert.Equal(2, _queue.Sent); // the warm-up message and the counted one: one Service Bus send each
        Assert.Equal(new SortedDictionary<string, int>(StringComparer.Ordinal)
        {
            // 9 GETs: 6 to route and append, 2 for the quota check (the account's limits, its usage: CloudMail:Quota), 1 to
            // prune the recipient's attempt history. 2 POSTs: the message rows' batch, the delivery log row with its attempt row.
            ["blob HEAD"] = 1, ["table DELETE"] = 1, ["table GET"] = 9, ["table POST"] = 2, ["table PUT"] = 1,
        }, inbound);
    }

    private static string Format(IReadOnlyDictionary<string, int> counts) => string.Join(", ", counts.Select(c => $"{c.Key} {c.Value}"));

    private async Task AcceptAndDeliverAsync(string account)
    {
        var job = await AcceptAsync(account);
        await Get<StageRunner>().RunAsync(Get<InboundStage>(), job, 1, new RecordingSettlement(), _ct);
    }

    private Task<MailJob> AcceptAsync(string account) => AzurePipelineHost.AcceptAsync(_services, account, "count", _ct);
}
