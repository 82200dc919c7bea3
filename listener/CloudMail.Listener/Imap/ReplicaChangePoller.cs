using CloudMail.Core.Mailboxes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudMail.Listener.Imap;

/// <summary>
/// Azure mode: makes IMAP IDLE see mail that another listener replica or the Functions inbound stage added, within about
/// <see cref="ImapOptions.ReplicaPollInterval"/>. <see cref="MailboxChangeNotifier"/> only reaches sessions of this process,
/// so every interval this service reads the mailbox row (HIGHESTMODSEQ, one Table point read) of each mailbox that some
/// session of this process is idling in, once per mailbox however many sessions idle there, and signals the account's
/// sessions when it grew; they then read the changes as for a local signal. Cost: one point read per idling mailbox per
/// interval and replica (1,000 idling mailboxes at 1 s ≈ 2.6 billion reads a month). A mailbox whose read has not
/// answered yet (a throttled or retried request: the Azure SDK may retry one for a minute or more) is skipped until it
/// answers, and the others are read on time meanwhile: one slow mailbox does not hold back every idling session of the
/// replica. Not used embedded (one process).
/// </summary>
public sealed partial class ReplicaChangePoller(IMailboxIndex mailboxes, MailboxChangeNotifier notifier, IOptions<ImapOptions> options,
    TimeProvider time, ILogger<ReplicaChangePoller> logger) : BackgroundService
{
    private readonly Dictionary<(string Account, string Mailbox), Watched> _watched = [];
    private readonly HashSet<(string Account, string Mailbox)> _reading = [];
    private readonly Lock _lock = new();

    /// <summary>Mailboxes being watched now (for tests and diagnostics).</summary>
    public int WatchedCount
    {
        get
        {
            lock (_lock) return _watched.Count;
        }
    }

    /// <summary>
    /// Watches <paramref name="mailbox"/> of <paramref name="account"/> until the result is disposed. A change is any
    /// HIGHESTMODSEQ above <paramref name="knownModSeq"/> (what the caller has seen) or above the last value read.
    /// </summary>
    public IDisposable Watch(string account, string mailbox, ulong knownModSeq)
    {
        var key = (account, mailbox);
        lock (_lock)
        {
            if (_watched.TryGetValue(key, out Watched? watched))
            {
                watched.Count++;
                watched.LastSeen = Math.Min(watched.LastSeen, knownModSeq);
            }
            else
            {
                _watched[key] = new Watched { Count = 1, LastSeen = knownModSeq };
            }
        }
        return new Watching(this, key);
    }

    /// <summary>
    /// One round: reads once every watched mailbox that is not still being read by an earlier round, and signals the
    /// accounts whose mailbox changed; completes when this round's reads have.
    /// </summary>
    public async Task PollOnceAsync(CancellationToken cancellationToken)
    {
        List<(string Account, string Mailbox)> keys;
        lock (_lock) keys = [.. _watched.Keys.Where(_reading.Add)];
        await Task.WhenAll(keys.Select(key => PollAsync(key, cancellationToken))).ConfigureAwait(false);
    }

    /// <summary>Starts a round every interval without waiting for the last one: its slow reads are skipped, not waited for.</summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ReplicaPollInterval, time);
        var rounds = new List<Task>();
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                rounds.RemoveAll(round => round.IsCompleted);
                rounds.Add(PollOnceAsync(stoppingToken));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        try
        {
            await Task.WhenAll(rounds).ConfigureAwait(false); // the service ends with its reads, which the stop cancels
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task PollAsync((string Account, string Mailbox) key, CancellationToken cancellationToken)
    {
        MailboxInfo? info;
        try
        {
            info = await mailboxes.GetMailboxAsync(key.Account, key.Mailbox, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogPollFailed(logger, e, key.Account, key.Mailbox); // tried again next round
            return;
        }
        finally
        {
            lock (_lock) _reading.Remove(key);
        }
        bool changed;
        lock (_lock)
        {
            if (!_watched.TryGetValue(key, out Watched? watched)) return;
            ulong now = info?.HighestModSeq ?? ulong.MaxValue; // a vanished mailbox is a change too (the session says BYE)
            changed = now != watched.LastSeen;
            watched.LastSeen = now;
        }
        if (changed) notifier.Notify(key.Account);
    }

    private void Unwatch((string Account, string Mailbox) key)
    {
        lock (_lock)
        {
            if (_watched.TryGetValue(key, out Watched? watched) && --watched.Count == 0) _watched.Remove(key);
        }
    }

    private sealed class Watched
    {
        public int Count { get; set; }
        public ulong LastSeen { get; set; }
    }

    private sealed class Watching(ReplicaChangePoller owner, (string, string) key) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) owner.Unwatch(key);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Polling mailbox {Mailbox} of {Account} for changes from other replicas failed")]
    private static partial void LogPollFailed(ILogger logger, Exception exception, string account, string mailbox);
}
