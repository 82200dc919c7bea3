using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Mailboxes;
using CloudMail.Core.Quarantine;
using CloudMail.Functions.Tests.Support;
using CloudMail.Functions.Triggers;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace CloudMail.Functions.Tests;

/// <summary>
/// The retention timer over the embedded backend (the Azure backend passes the same delivery-log and idempotency
/// contracts on Azurite): a message delivered by the inbound function keeps its delivery log for the retention
/// (30 days by default), and the first run after that forgets it; mail in Junk and Trash is expunged after 30 days.
/// </summary>
public sealed class RetentionTimerFunctionTests : IAsyncLifetime
{
    private FunctionsHarness _h = null!;

    public async Task InitializeAsync() => _h = await FunctionsHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private Task RunTimerAsync() => _h.Get<RetentionTimerFunction>().RunAsync(new TimerInfo(), CancellationToken.None);

    [Fact]
    public async Task A_delivered_messages_log_is_kept_for_thirty_days_and_forgotten_by_the_next_run()
    {
        string user = await _h.NewUserAsync();
        var job = await _h.AcceptAsync("sender@remote.example", user);
        Assert.Equal("complete", (await _h.RunInboundAsync(_h.Message(job))).Single.Action);
        var log = _h.Get<IDeliveryLog>();
        Assert.Equal(DeliveryStatus.Delivered, Assert.Single(await log.GetAsync(job.MessageId, CancellationToken.None)).Status);

        _h.Clock.Advance(TimeSpan.FromDays(29));
        await RunTimerAsync();
        Assert.Single(await log.GetAsync(job.MessageId, CancellationToken.None));

        _h.Clock.Advance(TimeSpan.FromDays(2));
        await RunTimerAsync();
        Assert.Empty(await log.GetAsync(job.MessageId, CancellationToken.None));
        Assert.Empty(await log.GetAttemptsAsync(job.MessageId, CancellationToken.None));
    }

    [Fact]
    public async Task Mail_older_than_thirty_days_in_Junk_and_Trash_is_expunged_and_the_rest_kept()
    {
        string user = await _h.NewUserAsync();
        var job = await _h.AcceptAsync("sender@remote.example", user);
        var index = _h.Get<IMailboxIndex>();
        async Task<uint> PutAsync(string mailbox) => (await index.AppendAsync(user, mailbox, job.Blob, _h.Clock.GetUtcNow(), MessageFlags.None, [],
            null, CancellationToken.None)).Uid;
        await PutAsync(DefaultMailboxes.Inbox);
        await PutAsync(DefaultMailboxes.Junk);
        await PutAsync("Trash");
        await PutAsync("Sent");
        _h.Clock.Advance(TimeSpan.FromDays(31));
        uint recentJunk = await PutAsync(DefaultMailboxes.Junk);

        await RunTimerAsync();

        Assert.Single(await index.GetMessagesAsync(user, DefaultMailboxes.Inbox, CancellationToken.None));
        Assert.Equal([recentJunk], (await index.GetMessagesAsync(user, DefaultMailboxes.Junk, CancellationToken.None)).Select(m => m.Uid));
        Assert.Empty(await index.GetMessagesAsync(user, "Trash", CancellationToken.None));
        Assert.Single(await index.GetMessagesAsync(user, "Sent", CancellationToken.None));
    }

    [Fact]
    public async Task A_message_quarantined_for_more_than_thirty_days_is_deleted_and_its_recipients_logged_failed()
    {
        string user = await _h.NewUserAsync();
        var job = await _h.AcceptAsync("sender@remote.example", user);
        var store = _h.Get<IQuarantineStore>();
        Assert.True(await store.AddAsync(new QuarantineEntry(job.MessageId, job, "Eicar-Test-Signature", _h.Clock.GetUtcNow()), CancellationToken.None));

        _h.Clock.Advance(TimeSpan.FromDays(29));
        await RunTimerAsync();
        Assert.NotNull(await store.GetAsync(job.MessageId, CancellationToken.None));

        _h.Clock.Advance(TimeSpan.FromDays(2));
        await RunTimerAsync();
        Assert.Null(await store.GetAsync(job.MessageId, CancellationToken.None));
        Assert.False(await _h.Blobs.ExistsAsync(job.Blob.Id, CancellationToken.None));
        var record = Assert.Single(await _h.Get<IDeliveryLog>().GetAsync(job.MessageId, CancellationToken.None));
        Assert.Equal(DeliveryStatus.Failed, record.Status);
    }

    [Fact]
    public async Task A_failing_step_does_not_keep_the_others_from_running_and_the_run_reports_it()
    {
        await using var h = await FunctionsHarness.StartAsync(configure: s => s.AddSingleton<IQuarantineStore, UnreachableQuarantine>());
        string user = await h.NewUserAsync();
        var job = await h.AcceptAsync("sender@remote.example", user);
        Assert.Equal("complete", (await h.RunInboundAsync(h.Message(job))).Single.Action);
        h.Clock.Advance(TimeSpan.FromDays(31));

        var failure = await Assert.ThrowsAsync<AggregateException>(() => h.Get<RetentionTimerFunction>().RunAsync(new TimerInfo(), CancellationToken.None));

        Assert.IsType<IOException>(Assert.Single(failure.InnerExceptions));
        Assert.Empty(await h.Get<IDeliveryLog>().GetAsync(job.MessageId, CancellationToken.None));
    }

    /// <summary>A quarantine whose storage is down.</summary>
    private sealed class UnreachableQuarantine : IQuarantineStore
    {
        public Task<bool> AddAsync(QuarantineEntry entry, CancellationToken cancellationToken) => throw new IOException("quarantine unreachable");

        public Task<QuarantineEntry?> GetAsync(string messageId, CancellationToken cancellationToken) => throw new IOException("quarantine unreachable");

        public Task<IReadOnlyList<QuarantineEntry>> ListAsync(CancellationToken cancellationToken) => throw new IOException("quarantine unreachable");

        public Task<bool> RemoveAsync(string messageId, CancellationToken cancellationToken) => throw new IOException("quarantine unreachable");
    }
}
